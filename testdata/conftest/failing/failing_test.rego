package failing

test_passes if {
	1 + 1 == 2
}

test_fails if {
	x := 3
	print("x is", x)
	x == 4
}

todo_test_later if {
	false
}
