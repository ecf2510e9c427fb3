# Gap 4: `not` over an expression with an undefined argument.
package not_undefined

f(x) if x == 1

g(_) if false

u if false

t_call if not f(input.missing)

t_builtin if not startswith(input.missing, "a")

t_eq if not input.missing == 1

t_plain if not input.missing

t_nested if not count(input.missing) > 0

t_compare if not input.missing > 0

t_neq if not input.missing != 1

t_index if { not input.b[input.missing] }

t_array if { not g([input.missing]) }

t_object if { not g({"a": input.missing}) }

t_comprehension if { not g([x | x := input.missing]) }

t_rule_ref if { not g(u) }

t_defined if { not f(input.a) }

t_local if { x := input.a; not g(x.y) }

t_every if {
	every x in [1, 2] {
		not f(input.missing[x])
	}
}

t_in_comprehension := [1 | not f(input.missing)]

t_multi_line if {
	not f(
		input.missing,
	)
	input.a == 2
}

t_in if { not input.missing in [1] }

t_with if { not f(input.missing) with input.other as 1 }
