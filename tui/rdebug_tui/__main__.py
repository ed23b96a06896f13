from rdebug_tui.entry import main

raise SystemExit(main())
