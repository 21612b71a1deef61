program main
  implicit none
  print '(a)', 'OK'
end program main
