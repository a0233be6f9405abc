from ownership.cli import main

raise SystemExit(main())
