# Gap 2: a line that ends in a reference, then a line that starts with `(`.
package newline_call

# As in the Gatekeeper library's horizontalpodautoscaler template.
t_range if {
	input.spec.maxReplicas
	(input.spec.maxReplicas - input.spec.minReplicas) >= 1
}

t_var := y if {
	y := input.spec.minReplicas
	(y + 1) > 2
}

t_compr := [x |
	x := input.spec.minReplicas
	(x * 2) == 4
]

# Strings and comments that look the same are left alone.
t_text := `input.spec
(1)` if { true } # input.spec
