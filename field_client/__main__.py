import sys

from field_client.cli import main

sys.exit(main())
