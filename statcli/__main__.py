from statcli.cli import main

main()
