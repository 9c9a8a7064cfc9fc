"""Makes a real Django site as a Django team has it, and dumps it as the migration guide says.

Run with Debian's python3 (python3-django, python3-djangorestframework):
    python3 make_site.py WORKDIR
Prints one JSON object: the users' passwords and DRF token keys, and where the dump is.
"""
import json
import os
import sys

work = sys.argv[1]
import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="cut-over-test",
    USE_TZ=True,
    INSTALLED_APPS=[
        "django.contrib.contenttypes",
        "django.contrib.auth",
        "rest_framework",
        "rest_framework.authtoken",
    ],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(work, "site.sqlite3")}},
)
django.setup()

from django.contrib.auth.models import Group, User
from django.core.management import call_command
from rest_framework.authtoken.models import Token

call_command("migrate", verbosity=0)
editors = Group.objects.create(name="editors")
support = Group.objects.create(name="Support, tier 2")
Group.objects.create(name="관리자")
alice = User.objects.create_user("alice", "alice@example.com", "correct horse battery staple")
alice.groups.add(editors, support)
bob = User.objects.create_user("bob", "", "bob's old django password")
bob.groups.add(editors)
User.objects.create_user("gone", "", "inactive password", is_active=False)
User.objects.create_superuser("root", "root@example.com", "root password here")
keys = {u.username: Token.objects.create(user=u).key for u in (alice, bob)}

dump = os.path.join(work, "dump.json")
# What docs/migrating-from-django.md tells a team to run.
call_command("dumpdata", "auth", "authtoken", indent=1, output=dump, verbosity=0)
natural = os.path.join(work, "dump-natural.json")
call_command(
    "dumpdata", "auth.user", "auth.group", "authtoken.token", natural_foreign=True, natural_primary=True,
    output=natural, verbosity=0,
)
print(json.dumps({"dump": dump, "natural": natural, "keys": keys, "django": django.get_version()}))
