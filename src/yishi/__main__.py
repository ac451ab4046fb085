from yishi.cli_fast import main

main()
