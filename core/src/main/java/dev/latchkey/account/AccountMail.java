package dev.latchkey.account;

import dev.latchkey.mail.Letter;
import dev.latchkey.mail.MailSeal;
import dev.latchkey.mail.MailTemplates;
import dev.latchkey.mail.Outbox;
import dev.latchkey.request.Language;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;

/** The account mails, written and sealed for the outbox, with links under {@code server.public_url}. */
final class AccountMail {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    private final MailTemplates templates;
    private final MailSeal seal;
    private final String base;
    private final String site;

    AccountMail(MailTemplates templates, MailSeal seal, URI publicUrl) {
        this.templates = templates;
        this.seal = seal;
        var text = publicUrl.toString();
        this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        this.site = publicUrl.getPort() == -1 ? publicUrl.getHost() : publicUrl.getHost() + ":" + publicUrl.getPort();
    }

    /** The full address of a path on this server, as mailed. */
    String link(String path) {
        return base + path;
    }

    String site() {
        return site;
    }

    static String time(Instant at) {
        return TIME.format(at);
    }

    Outbox.Outgoing write(String kind, String to, Language language, Map<String, String> values) {
        var all = new HashMap<>(values);
        all.put("site", site);
        return seal.seal(templates.write(new Letter(kind, to, language, all)));
    }
}
