#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    from config.settings import default_settings_module

    # Production unless development is asked for (DJANGO_SETTINGS_MODULE=config.settings.dev or DEBUG=true).
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_settings_module())
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
