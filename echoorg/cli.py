"""The `echoorg` command: Django's management commands with echoorg's settings.

echoorg migrate            set up or upgrade the database
echoorg demo               load the fictional demo organisations (idempotent)
echoorg serve --port 8000  serve the application with gunicorn
echoorg audit verify       check the audit trail's keyed hash chain
echoorg audit head         print the chain head as JSON, to keep outside the database
echoorg audit verify --against FILE
                           also check the trail still reaches a head saved earlier
echoorg setup_organisation --name N --slug S --facilitator EMAIL
                           a new installation's first organisation and facilitator
echoorg grant_guardian --organisation SLUG --email EMAIL
                           an organisation's first speak-up guardian (on the web,
                           a guardian or board member confirms every other one)
echoorg reset_2fa EMAIL --reason R
                           turn off two-factor for someone who lost their device
echoorg survey refigure WAVE...
                           compute and store closed waves' figures again
echoorg worker             run background tasks (when ECHOORG_TASK_BACKEND is the database)
echoorg survey score --instrument ID --responses CSV [--units CSV] --out DIR
                           score a responses file into unit figures and reliability; a
                           command of the pure core, run without setting Django up

`python -m echoorg ...` is the same command.
"""

from __future__ import annotations

import os
import sys

# Commands of the pure core: they read and write files only, so they start without
# setting Django up (no settings, no system checks, no database).
CORE_COMMANDS = {"survey": "echoorg.core.diagnostic.command"}
# Actions of those commands that do need the database: Django's command of the same name.
DATABASE_ACTIONS = {("survey", "refigure")}


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] and args[0] in CORE_COMMANDS and tuple(args[:2]) not in DATABASE_ACTIONS:
        from importlib import import_module

        raise SystemExit(import_module(CORE_COMMANDS[args[0]]).main(args[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "echoorg.web.settings")
    # Before Django reads the settings: the data folder and any secret the environment
    # does not give, generated once (the settings themselves only read them).
    from echoorg.web.data_folder import prepare

    prepare()
    from django.core.management import execute_from_command_line

    if args[:1] == ["worker"]:
        args[0] = "db_worker"
    execute_from_command_line(["echoorg", *args])


if __name__ == "__main__":
    main()
