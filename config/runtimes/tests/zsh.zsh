print OK
