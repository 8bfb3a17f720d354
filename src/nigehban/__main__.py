from nigehban.cli import main

main()
