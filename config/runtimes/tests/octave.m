disp("OK")
