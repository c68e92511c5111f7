from onwatch.cli import main

raise SystemExit(main())
