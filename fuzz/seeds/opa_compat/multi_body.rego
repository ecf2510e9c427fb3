# Gap 1: a rule with several bodies is one rule per body.
package multi_body

s contains x if { x := 1 } { x := 2 }

t_set := s

f(a) := b if { a == 1; b := "one" } { a == 2; b := "two" }

t_fn := [f(1), f(2)]

t_fn_other if not f(3)

# Bodies on their own lines, a comment between them, a head over two lines.
violation contains {
	"msg": m,
} if {
	input.kind == "Pod"
	m := "first body"
} # the second body follows
{
	input.kind == "Pod"
	m := sprintf("second body for %s", [input.metadata.name])
}

t_violation := violation

v := 1 if { input.missing } { input.kind == "Pod" }

t_value := v

t_count := count(violation)
