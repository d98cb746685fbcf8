complete --keep-order --exclusive --command gsignin --arguments "(GSIGNIN_COMPLETE=fish gsignin -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
