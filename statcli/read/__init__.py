"""Reading: log text (files, folders, globs, .gz, .zip, stdin) into Arrow tables."""
