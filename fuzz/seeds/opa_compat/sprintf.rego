# Gap 3: sprintf is Go's fmt.Sprintf, missing arguments included.
package sprintf

t_missing := sprintf("%s is %d years", [input.name])

t_missing_all := sprintf("%v %s %d %q", [])

t_extra := sprintf("%s", [input.name, 1, true])

t_bad_verb := sprintf("%d|%s|%t", ["x", 5, 1])

t_index := sprintf("%[2]s %[1]s %s|%[0]d|%[9]d", ["a", "b"])

t_width := sprintf("%*d|%.*f|%-*d|", [5, 42, 2, 3.14159, -4, 7])

t_flags := sprintf("%5.2f|%-6d|%06d|%+d|%x|%X|%o|%O|%b|%#x|%q|%U|%#U|%c", [3.14159, 42, -42, 5, 255, 255, 8, 8, 5, 255, 65, 65, 233, 66])

t_floats := sprintf("%v|%v|%v|%e|%E|%.3g|%g|%G|%10.4v|%x|%X|%b|%08.3f|%+.1f|% .2e|%#g|%#.0f", [2.5, 0.000001, 0.1, 123456.789, 0.5, 0.00000012345, 1234567.5, 0.0000123, 3.14159, 1.5, 0.75, 1.5, -3.14159, 2.25, 1234.5, 1.5, 3.5])

t_ints := sprintf("%v|%d|%.3d|%.0d|%8.3d|%-8d|%+08d|% d|%x|%#o|%#b|%c|%q|%T", [7, -7, 7, 0, -7, 7, 7, 7, -255, 8, 5, 9731, 10, 7])

t_strings := sprintf("%s|%5s|%-5s|%.2s|%q|%+q|%#q|%x|%X|% x|%#x|%05s|%.1x|%T", ["a", "ab", "ab", "héllo", "a\"b\n", "日本", "a`b", "hi", "hi", "hi", "hi", "x", "hello", "s"])

t_values := sprintf("%v|%v|%v|%v|%v|%s|%d", [[1, "a", true, null], {"b": 1, "a": {}}, set(), {"x", 1}, null, false, [1]])

t_big := sprintf("%d|%x|%o|%+d|%08d|%.25d|%c|%#x|%T", [99999999999999999999, 99999999999999999999, 99999999999999999999, 99999999999999999999, 99999999999999999999, 99999999999999999999, 99999999999999999999, 99999999999999999999, 99999999999999999999])

t_noverb := sprintf("100%|%5.|%-", [1])

t_percent := sprintf("%d%% of %v", [50, input.name])

t_input := sprintf("%v %d %s", [input.replicas, input.replicas, input.labels])
