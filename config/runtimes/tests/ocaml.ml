let () = print_endline "OK"
