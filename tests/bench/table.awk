# table.awk: the table of tests/bench/run.sh from a results file.
#   awk -v servers="ftpd vsftpd pure-ftpd" -f table.awk results-DATE.txt
# Each result line is "round=R server=S workload=W key=value ...".
# Values are the mean of the rounds that ran; "noise" is the spread between
# the two rounds, |r1 - r2| / mean, per server in the order of the columns.

function num(x) { return x + 0 }
function has(w, s, r, k) { return ((w SUBSEP s SUBSEP r SUBSEP k) in V) }
function get(w, s, r, k) { return V[w, s, r, k] }

# metric(name, w, s, r): one figure of workload w, server s, round r, or ""
# the ceiling of round r: mean of the runs before (W1ca) and after (W1cb) W1
function ceil_mb(r,    n, t) {
	n = 0; t = 0
	if (has("W1ca", "-", r, "mb_s")) { t += num(get("W1ca", "-", r, "mb_s")); n++ }
	if (has("W1cb", "-", r, "mb_s")) { t += num(get("W1cb", "-", r, "mb_s")); n++ }
	return n ? t / n : 0
}

# kernel memory of one loopback connection pair (measured in round 1)
function pair_kb(r) {
	if (has("W5k", "-", 1, "kern_kb_per_pair")) return num(get("W5k", "-", 1, "kern_kb_per_pair"))
	if (has("W5k", "-", r, "kern_kb_per_pair")) return num(get("W5k", "-", r, "kern_kb_per_pair"))
	return 0
}

function metric(m, w, s, r,    b, k, ops, pair, ok, c) {
	if (!has(w, s, r, "workload"))
		return ""
	if (has(w, s, r, m))
		return num(get(w, s, r, m))
	if (m == "mb_s" || m == "ops_s" || m == "p99_ms" || m == "errors")
		return has(w, s, r, m) ? num(get(w, s, r, m)) : ""
	if (m == "ceil_pct") {
		# the ceiling measured right before this server's run, if any
		c = has("W1c-" s, "-", r, "mb_s") ? num(get("W1c-" s, "-", r, "mb_s")) : ceil_mb(r)
		return c > 0 ? 100 * num(get(w, s, r, "mb_s")) / c : ""
	}
	if (m == "cpu_gib") {
		b = num(get(w, s, r, "bytes"))
		return b > 0 ? num(get(w, s, r, "srv_cpu_s")) / (b / 1073741824) : ""
	}
	if (m == "cpu_ms_op") {
		ops = num(get(w, s, r, "ops"))
		return ops > 0 ? 1000 * num(get(w, s, r, "srv_cpu_s")) / ops : ""
	}
	# W8 against the same server's plain figure of the same round
	if (m == "send_cpu_gib") {	# W8r: the reference sender's CPU
		b = num(get(w, s, r, "bytes"))
		return b > 0 ? num(get(w, s, r, "send_cpu_s")) / (b / 1073741824) : ""
	}
	if (m == "w1_pct" || m == "w3_pct") {
		b = m == "w1_pct" ? "W1" : "W3"
		k = m == "w1_pct" ? "mb_s" : "ops_s"
		if (!has(b, s, r, k) || num(get(b, s, r, k)) == 0)
			return ""
		return 100 * num(get(w, s, r, k)) / num(get(b, s, r, k))
	}
	if (m == "pam_pct") {
		if (!has("W3p", "-", r, "ops_s") || num(get("W3p", "-", r, "ops_s")) == 0)
			return ""
		return 100 * num(get(w, s, r, "ops_s")) / num(get("W3p", "-", r, "ops_s"))
	}
	if (m == "floor_pct") {	# W3 against the two-process floor
		if (!has("W3f2", "-", r, "ops_s") || num(get("W3f2", "-", r, "ops_s")) == 0)
			return ""
		return 100 * num(get(w, s, r, "ops_s")) / num(get("W3f2", "-", r, "ops_s"))
	}
	if (m == "crypt_pct") {
		if (!has("W3c", "-", r, "ops_s") || num(get("W3c", "-", r, "ops_s")) == 0)
			return ""
		return 100 * num(get(w, s, r, "ops_s")) / num(get("W3c", "-", r, "ops_s"))
	}
	# hold workloads (W5, W7): the ramp line
	ok = num(get(w, s, r, "ok"))
	pair = pair_kb(r)
	if (m == "held")
		return ok
	if (m == "ramp_s")
		return num(get(w, s, r, "ramp_s"))
	if (!has(w, s, r, "after_pss_kb") || ok == 0)
		return ""
	dpss = num(get(w, s, r, "after_pss_kb")) - num(get(w, s, r, "before_pss_kb"))
	# kernel growth, less the TIME_WAIT sockets of earlier workloads that
	# expired meanwhile and the client's half of each connection
	dkern = num(get(w, s, r, "after_kern_kb")) - num(get(w, s, r, "before_kern_kb"))
	dkern -= num(get(w, s, r, "after_tw_kb")) - num(get(w, s, r, "before_tw_kb"))
	dkern -= ok * pair / 2
	if (m == "pss_sess")
		return dpss / ok
	if (m == "kern_sess")
		return dkern / ok
	if (m == "tot_sess")
		return (dpss + dkern) / ok
	if (m == "procs_sess")
		return (num(get(w, s, r, "after_procs")) - num(get(w, s, r, "before_procs"))) / ok
	if (m == "tot_mib")
		return (num(get(w, s, r, "after_pss_kb")) + dkern) / 1024
	return ""
}

# mean over rounds 1 and 2 (the lower one for the memory figures: what
# a round adds on top comes from state earlier workloads left behind);
# sets NOISE as a side effect
function mean(m, w, s,    a, b) {
	a = metric(m, w, s, 1); b = metric(m, w, s, 2)
	NOISE = ""
	if (a == "" && b == "") return ""
	if (a == "") return b
	if (b == "") return a
	if (a + b != 0)
		NOISE = sprintf("%.0f%%", 100 * (a > b ? a - b : b - a) / ((a + b) / 2))
	if (m ~ /_sess$/)	# every W5 row from the round of lower total
		return num(metric("tot_sess", w, s, 1)) <= num(metric("tot_sess", w, s, 2)) ? a : b
	return (a + b) / 2
}

function fmt(x) {
	if (x == "") return "-"
	x = num(x)
	if (x >= 1000 || x <= -1000) return sprintf("%.0f", x)
	if (x >= 100 || x <= -100) return sprintf("%.1f", x)
	if (x >= 1 || x <= -1) return sprintf("%.2f", x)
	return sprintf("%.3f", x)
}

function ratio(a, b) {
	if (a == "" || b == "" || num(b) == 0) return "-"
	return sprintf("%.2fx", num(a) / num(b))
}

function row(w, label, m, dir,    i, line, v, f, noise, n) {
	line = sprintf("%-4s %-26s %-2s", w, label, dir)
	noise = ""; n = 0
	for (i = 1; i <= NS; i++) {
		v = mean(m, w, S[i])
		VAL[i] = v
		line = line sprintf(" %11s", fmt(v))
		noise = noise (i > 1 ? "/" : "") (NOISE == "" ? "-" : NOISE)
		if (NOISE != "") n++
	}
	for (i = 2; i <= NS; i++)
		line = line sprintf(" %11s", ratio(VAL[1], VAL[i]))
	line = line "  " (n ? noise : "")
	print line
	for (i = 1; i <= NS; i++) R[w, m, S[i]] = VAL[i]
}

BEGIN { NS = split(servers, S, " ") }
/^#/ { print; next }
{
	r = ""; s = ""; w = ""
	for (i = 1; i <= NF; i++) {
		k = $i; sub(/=.*/, "", k); v = $i; sub(/^[^=]*=/, "", v)
		F[k] = v
	}
	r = F["round"]; s = F["server"]; w = F["workload"]
	# hold workloads write two lines: keep the ramp line's figures and
	# take "held" (still up at the end) from the end line
	if (F["phase"] == "end") {
		V[w, s, r, "held_end"] = F["held"]
		split("", F)
		next
	}
	for (k in F) V[w, s, r, k] = F[k]
	V[w, s, r, "workload"] = w
	split("", F)
}
END {
	print ""
	hdr = sprintf("%-4s %-26s %-2s", "", "metric (mean of rounds*)", "")
	for (i = 1; i <= NS; i++) hdr = hdr sprintf(" %11s", S[i])
	for (i = 2; i <= NS; i++) hdr = hdr sprintf(" %11s", "ftpd/" S[i])
	hdr = hdr "  noise r1-r2"
	print hdr
	print "     (+ higher is better, - lower is better; * W5: the lower round)"
	row("W1", "RETR 1 file MB/s", "mb_s", "+")
	row("W1", "  % of sendfile ceiling", "ceil_pct", "+")
	row("W1", "  server CPU s/GiB", "cpu_gib", "-")
	row("W2", "STOR 1 file MB/s", "mb_s", "+")
	row("W2", "  server CPU s/GiB", "cpu_gib", "-")
	row("W3", "anon logins/s", "ops_s", "+")
	row("W3", "  p99 ms", "p99_ms", "-")
	row("W3", "  % of 2-process floor", "floor_pct", "+")
	row("W3", "  server CPU ms/login", "cpu_ms_op", "-")
	row("W3u", "local logins/s (PAM)", "ops_s", "+")
	row("W3u", "  % of crypt(3) limit", "crypt_pct", "+")
	row("W3u", "  % of PAM's own rate", "pam_pct", "+")
	row("W3u", "  p99 ms", "p99_ms", "-")
	row("W3u", "  server CPU ms/login", "cpu_ms_op", "-")
	row("W4", "4 KiB RETR/s", "ops_s", "+")
	row("W4", "  p99 ms", "p99_ms", "-")
	row("W4", "  errors", "errors", "-")
	row("W5", "KiB/idle session (PSS+k)", "tot_sess", "-")
	row("W5", "  PSS KiB/session", "pss_sess", "-")
	row("W5", "  kernel KiB/session", "kern_sess", "-")
	row("W5", "  processes/session", "procs_sess", "-")
	row("W6", "LIST 10k files/s", "ops_s", "+")
	row("W6", "  p99 ms", "p99_ms", "-")
	row("W7", "sessions held", "held", "+")
	row("W7", "  ramp s", "ramp_s", "-")
	row("W7", "  total memory MiB", "tot_mib", "-")
	row("W8", "RETR over PROT P MB/s", "mb_s", "+")
	row("W8", "  % of W1 (plain RETR)", "w1_pct", "+")
	row("W8", "  server CPU s/GiB", "cpu_gib", "-")
	row("W8l", "FTPS anon logins/s", "ops_s", "+")
	row("W8l", "  % of W3 (plain login)", "w3_pct", "+")
	row("W8l", "  p99 ms", "p99_ms", "-")
	row("W8l", "  server CPU ms/login", "cpu_ms_op", "-")
	c1 = ceil_mb(1); c2 = ceil_mb(2)
	c = (c1 && c2) ? (c1 + c2) / 2 : c1 + c2
	cn = (c1 && c2) ? sprintf("%.0f%%", 100 * (c1 > c2 ? c1 - c2 : c2 - c1) / c) : ""
	k = mean("ops_s", "W3c", "-"); kn = NOISE
	printf("\nreference: loopback sendfile ceiling %s MB/s (noise %s); crypt(3) %s/s on all cores (noise %s);\n",
	    fmt(c), cn == "" ? "-" : cn, fmt(k), kn == "" ? "-" : kn)
	printf("           kernel memory of one loopback TCP connection pair %s KiB (half is the client's, taken out of W5/W7)\n",
	    fmt(pair_kb(1)))
	if (has("W3f2", "-", 1, "ops_s") || has("W3f2", "-", 2, "ops_s")) {
		f1 = mean("ops_s", "W3f1", "-"); f1n = NOISE
		f2 = mean("ops_s", "W3f2", "-"); f2n = NOISE
		printf("           W3 floor (tests/bench/floor.c, fork per login, nothing else): %s logins/s with one process per login (noise %s), %s with two, privilege separated (noise %s)\n",
		    fmt(f1), f1n == "" ? "-" : f1n, fmt(f2), f2n == "" ? "-" : f2n)
	}
	if (has("W3p", "-", 1, "ops_s")) {
		p = num(get("W3p", "-", 1, "ops_s"))
		h = "?"
		if (has("W3c", "-", 1, "ops_s") && p > 0)
			h = sprintf("%.1f", num(get("W3c", "-", 1, "ops_s")) / p)
		printf("           PAM alone (pam_authenticate + pam_acct_mgmt, the bench's service, all cores): %s checks/s, the time of %s crypt(3) hashes each\n",
		    fmt(p), h)
	}
	if (has("W8r", "-", 1, "mb_s") || has("W8r", "-", 2, "mb_s")) {
		t = mean("mb_s", "W8r", "-"); tn = NOISE
		u = mean("send_cpu_gib", "W8r", "-")
		printf("           minimal user-space TLS sender (pread + SSL_write, %s): %s MB/s (noise %s), %s s CPU/GiB\n",
		    has("W8r", "-", 1, "tls_cipher") ? get("W8r", "-", 1, "tls_cipher") : get("W8r", "-", 2, "tls_cipher"),
		    fmt(t), tn == "" ? "-" : tn, fmt(u))
	}
	# W8: what was negotiated, per server (round 1, else 2)
	line = ""
	for (i = 1; i <= NS; i++) {
		r = has("W8", S[i], 1, "tls_cipher") ? 1 : 2
		if (!has("W8", S[i], r, "tls_cipher"))
			continue
		line = line sprintf("%s%s %s %s, data connections resumed %d/%d", line == "" ? "" : "; ",
		    S[i], get("W8", S[i], r, "tls_version"), get("W8", S[i], r, "tls_cipher"),
		    num(get("W8", S[i], r, "tls_data_resumed")),
		    num(get("W8", S[i], r, "tls_data_resumed")) + num(get("W8", S[i], r, "tls_data_full")))
	}
	if (line != "")
		printf("           W8 TLS: %s\n", line)

	# Targets of issue 6, checked against the peers of this same run.
	print "\ntargets (issue 6):"
	vs = "vsftpd"; pf = "pure-ftpd"
	target("W1 >= 95% of the ceiling", R["W1", "ceil_pct", "ftpd"], ">=", 95, "%")
	target("W1 CPU/GiB <= vsftpd", R["W1", "cpu_gib", "ftpd"], "<=", R["W1", "cpu_gib", vs], " s/GiB")
	target("W2 MB/s >= pure-ftpd", R["W2", "mb_s", "ftpd"], ">=", R["W2", "mb_s", pf], " MB/s")
	target("W2 CPU/GiB <= pure-ftpd", R["W2", "cpu_gib", "ftpd"], "<=", R["W2", "cpu_gib", pf], " s/GiB")
	target("W3 >= 5x vsftpd", R["W3", "ops_s", "ftpd"], ">=", mul(R["W3", "ops_s", vs], 5), "/s")
	target("W3 >= 2.5x pure-ftpd", R["W3", "ops_s", "ftpd"], ">=", mul(R["W3", "ops_s", pf], 2.5), "/s")
	target("W3u >= 2x vsftpd", R["W3u", "ops_s", "ftpd"], ">=", mul(R["W3u", "ops_s", vs], 2), "/s")
	target("W4 >= 2x vsftpd", R["W4", "ops_s", "ftpd"], ">=", mul(R["W4", "ops_s", vs], 2), "/s")
	target("W4 > pure-ftpd", R["W4", "ops_s", "ftpd"], ">", R["W4", "ops_s", pf], "/s")
	target("W4 zero errors", R["W4", "errors", "ftpd"], "<=", 0, "")
	target("W5 <= 1/3 of vsftpd per session", R["W5", "tot_sess", "ftpd"], "<=", mul(R["W5", "tot_sess", vs], 1 / 3), " KiB")
	best = R["W6", "ops_s", vs]
	if (R["W6", "ops_s", pf] != "" && (best == "" || num(R["W6", "ops_s", pf]) > num(best))) best = R["W6", "ops_s", pf]
	target("W6 >= 2x the best peer", R["W6", "ops_s", "ftpd"], ">=", mul(best, 2), "/s")
	n = mean("clients", "W7", "ftpd")
	target("W7 all sessions held", R["W7", "held", "ftpd"], ">=", n, "")
	vh = R["W7", "held", vs]
	v5 = (vh != "" && num(vh) > 0 && R["W7", "tot_mib", vs] != "") ? num(R["W7", "tot_mib", vs]) * 5000 / num(vh) : ""
	target("W7 memory < vsftpd's for 5,000 (scaled)", R["W7", "tot_mib", "ftpd"], "<", v5, " MiB")
	target("W8 RETR over PROT P >= 80% of W1", R["W8", "w1_pct", "ftpd"], ">=", 80, "%")
}

function mul(x, f) { return x == "" ? "" : num(x) * f }

function target(name, have, op, want, unit,    ok) {
	if (have == "" || want == "") {
		printf("  %-40s n/a (no figure)\n", name)
		return
	}
	have = num(have); want = num(want)
	if (op == ">=") ok = have >= want
	else if (op == ">") ok = have > want
	else if (op == "<=") ok = have <= want
	else ok = have < want
	printf("  %-40s %-6s ftpd %s%s, needs %s %s%s\n", name, ok ? "MET" : "MISSED",
	    fmt(have), unit, op, fmt(want), unit)
}
