from roomsvc.cli import main

raise SystemExit(main())
