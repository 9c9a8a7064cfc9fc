-- Named groups of users (Django's auth.Group without permissions): they travel with the user to /api/me, access
-- tokens' "groups" claim, forward-auth's X-Auth-Groups and the servlet filter's roles.
CREATE TABLE user_groups (
    id ${id_column},
    name VARCHAR(150) NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    CHECK (length(name) BETWEEN 1 AND 150)
);

CREATE TABLE user_group_members (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    group_id BIGINT NOT NULL REFERENCES user_groups (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, group_id)
);

CREATE INDEX user_group_members_group_id ON user_group_members (group_id);
