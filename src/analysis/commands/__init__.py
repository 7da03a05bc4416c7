"""One module per ``analysis`` subcommand: NAME, HELP, add_arguments(parser), run(args).

``run`` returns the exit status. It raises DataError, UnknownProvinceError,
ParameterError or Refused for bad input; ``analysis.cli`` turns those into exit 2 with
a plain message.
"""
