package dev.latchkey.server.web.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.error.InvalidInput;
import dev.latchkey.error.NotFound;
import dev.latchkey.server.web.http.Doc;
import dev.latchkey.server.web.http.Exchange;
import dev.latchkey.server.web.http.JsonResponses;
import dev.latchkey.server.web.http.Policy;
import dev.latchkey.server.web.http.Router;
import dev.latchkey.server.web.http.Schemas;
import dev.latchkey.user.Group;
import dev.latchkey.user.Groups;
import dev.latchkey.user.User;
import dev.latchkey.user.Users;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Groups, for staff: {@code GET /api/groups}, {@code POST /api/groups} {@code {"name"}}, {@code DELETE
 * /api/groups/{id}}, and a user's groups, {@code GET} and {@code PUT /api/users/{id}/groups} {@code {"groups":
 * [...]}} (exactly these, each of which must exist). A change shows in the user's next request and next access
 * token.
 */
public final class GroupApi {
    /** More names in one PUT than any real user needs is a mistake or an attack: refused before any lookup. */
    static final int MAX_GROUPS_PER_USER = 1_000;

    private final Groups groups;
    private final Users users;

    public GroupApi(Groups groups, Users users) {
        this.groups = groups;
        this.users = users;
    }

    public void register(Router router) {
        var userGroups = Schemas.object(
                "user_id*",
                Schemas.integer(),
                "username*",
                Schemas.string(),
                "groups*",
                Schemas.array(Schemas.string()));
        router.add(
                "GET",
                "/api/groups",
                Policy.staff(),
                Doc.of("Every group, with its member count")
                        .answers(200, "Groups", Schemas.object("groups*", Schemas.array(Schemas.ref("Group")))),
                (x, p) -> list(x));
        router.add(
                "POST",
                "/api/groups",
                Policy.staff(),
                Doc.of("Make a group")
                        .json(Schemas.object("name*", Schemas.string("1-150 characters, no control characters")))
                        .answers(201, "Made", Schemas.ref("Group"))
                        .errors(409),
                (x, p) -> create(x));
        router.add(
                "DELETE",
                "/api/groups/{}",
                Policy.staff(),
                Doc.of("Delete a group; its members leave it at once")
                        .param("id", "The group's id")
                        .answers(204, "Deleted"),
                this::delete);
        router.add(
                "GET",
                "/api/users/{}/groups",
                Policy.staff(),
                Doc.of("A user's groups").param("id", "The user's id").answers(200, "The groups", userGroups),
                this::userGroups);
        router.add(
                "PUT",
                "/api/users/{}/groups",
                Policy.staff(),
                Doc.of("Make a user's groups exactly these")
                        .description("Each must exist; the user's next request and next access token see the change.")
                        .param("id", "The user's id")
                        .json(Schemas.object("groups*", Schemas.array(Schemas.string())))
                        .answers(200, "The groups now", userGroups),
                this::setUserGroups);
    }

    private void list(Exchange x) {
        x.json(200, Map.of("groups", groups.list().stream().map(GroupApi::view).toList()));
    }

    private void create(Exchange x) {
        var name = Requests.requiredString(x.jsonObject(), "name");
        var group = groups.create(name);
        x.json(201, view(group));
    }

    private void delete(Exchange x, String id) {
        var group = groups.list().stream()
                .filter(g -> Long.toString(g.id()).equals(id))
                .findFirst()
                .orElseThrow(() -> new NotFound("no_such_group", "there is no group with that id"));
        groups.delete(group);
        x.noContent();
    }

    private void userGroups(Exchange x, String id) {
        var user = user(id);
        x.json(200, userView(user, groups.of(user.id())));
    }

    private void setUserGroups(Exchange x, String id) {
        var user = user(id);
        var names = names(x.jsonObject());
        var now = groups.set(user, names);
        x.json(200, userView(user, now));
    }

    private static List<String> names(JsonNode body) {
        var node = body.get("groups");
        if (node == null || node.isNull()) {
            throw new InvalidInput("missing_field", "\"groups\" is required");
        }
        if (!node.isArray()) {
            throw new InvalidInput("invalid_field", "\"groups\" must be an array of group names");
        }
        if (node.size() > MAX_GROUPS_PER_USER) {
            throw new InvalidInput("invalid_field", "\"groups\" holds at most " + MAX_GROUPS_PER_USER + " names");
        }
        var names = new ArrayList<String>();
        for (var item : node) {
            if (!item.isTextual()) {
                throw new InvalidInput("invalid_field", "\"groups\" must be an array of group names");
            }
            names.add(item.asText());
        }
        return names;
    }

    private User user(String id) {
        long userId;
        try {
            userId = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw new NotFound("no_such_user", "there is no user with that id");
        }
        return users.findById(userId).orElseThrow(() -> new NotFound("no_such_user", "there is no user with that id"));
    }

    static Map<String, Object> view(Group group) {
        return JsonResponses.object(
                "id",
                group.id(),
                "name",
                group.name(),
                "members",
                group.members(),
                "created",
                group.created().toString());
    }

    private static Map<String, Object> userView(User user, List<String> names) {
        return JsonResponses.object("user_id", user.id(), "username", user.username(), "groups", names);
    }
}
