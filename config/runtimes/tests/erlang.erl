%% An escript: main/1 is called with the arguments.
main(_) ->
    io:format("OK~n").
