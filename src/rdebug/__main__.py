from rdebug.cli import main

raise SystemExit(main())
