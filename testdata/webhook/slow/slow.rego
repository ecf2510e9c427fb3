# A policy that takes far longer than any time limit (a hundred million
# steps for every object, keeping nothing), to show an evaluation is
# stopped at the limit.
package main

deny contains "every sum is positive" if {
	input.kind != ""
	every i in numbers.range(1, 10000) {
		every j in numbers.range(1, 10000) {
			i + j > 0
		}
	}
}
