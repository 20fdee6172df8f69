"""Privilege separation seen from /proc: the pre-login process runs as
nopriv_user chrooted into empty_dir; the session runs with all ids of the
user (never 0), chrooted for guests and ftpchroot users."""

import os
import pwd
import signal


from bbutil import (ANON_IDENT, proc_ids, proc_root, proc_status,
                    wait_until, children_of, pids_holding_connection,
                    cmdline_of, alive, proc_stat)

NOBODY = pwd.getpwnam("nobody")


def _real(path):
    return os.path.realpath(str(path))


def _uid_is(uid):
    def pred(pid):
        try:
            uids, _, _ = proc_ids(pid)
        except (OSError, KeyError):
            return False
        return uids == [uid] * 4
    return pred


def _check_prelogin(pid, world):
    uids, gids, groups = proc_ids(pid)
    assert 0 not in uids and 0 not in gids, (uids, gids)
    assert uids == [NOBODY.pw_uid] * 4, uids
    assert gids == [NOBODY.pw_gid] * 4, gids
    assert groups in ([], [NOBODY.pw_gid]), f"groups: {groups}"
    assert proc_root(pid) == _real(world.empty_dir)
    assert proc_status(pid).get("NoNewPrivs") == "1"


def _check_session(pid, uid, gid, root):
    uids, gids, groups = proc_ids(pid)
    assert uids == [uid] * 4, uids
    assert gids == [gid] * 4, gids
    assert 0 not in uids and 0 not in gids and 0 not in groups, \
        (uids, gids, groups)
    assert proc_root(pid) == _real(root)
    assert proc_status(pid).get("NoNewPrivs") == "1"


def test_listener_pid_matches_pidfile(server):
    pid = wait_until(server.read_pidfile, 3.0)
    assert pid == server.proc.pid
    uids, _, _ = proc_ids(pid)
    assert uids[1] == 0          # the listener stays root


def test_prelogin_process_is_unprivileged(server, world):
    listener = server.read_pidfile()
    assert listener == server.pid
    rc = server.raw()
    assert rc.reply().code == 220
    pid = server.session_pid(rc, _uid_is(NOBODY.pw_uid))
    assert pid, (f"no child of {listener} running as nobody holds the "
                 f"connection; children: {children_of(listener)}")
    _check_prelogin(pid, world)


def test_prelogin_after_user_command(server, world, make_user):
    # Still unprivileged while waiting for the password.
    user = make_user()
    rc = server.raw()
    rc.reply()
    assert rc.cmd(f"USER {user.name}").code == 331
    pid = server.session_pid(rc, _uid_is(NOBODY.pw_uid))
    assert pid
    _check_prelogin(pid, world)


def test_real_user_session_ids(server, world, make_user):
    user = make_user()
    ftp = server.login(user)
    pid = server.session_pid(ftp, _uid_is(user.uid))
    assert pid, f"no session process with uid {user.uid}: " \
        f"{[(p, proc_ids(p)) for p in server.children()]}"
    _check_session(pid, user.uid, user.gid, "/")
    # Exactly one process serves this connection once logged in (the
    # pre-login process exits after the login; give it a moment).
    cport = ftp.sock.getsockname()[1]

    def holders():
        return pids_holding_connection(server.port, cport, server.children())
    assert wait_until(lambda: holders() == [pid], 3.0), holders()


def test_chrooted_user_session_root(ftpd, world, make_user):
    user = make_user()
    world.conf("ftpchroot", f"{user.name}\n")
    server = ftpd()
    ftp = server.login(user)
    pid = server.session_pid(ftp, _uid_is(user.uid))
    assert pid
    _check_session(pid, user.uid, user.gid, user.home)


def test_anonymous_session_ids(server, world):
    ftp = server.anon()
    pid = server.session_pid(ftp, _uid_is(world.anon.uid))
    assert pid
    _check_session(pid, world.anon.uid, world.anon.gid, world.anon_root)


def _spawner(server):
    """The listener's newest ftpd: [spawner] child (a replaced one stays
    until its sessions end), or None."""
    kids = [k for k in children_of(server.pid)
            if "[spawner]" in " ".join(cmdline_of(k))]
    kids = [(proc_stat(k)[2], k) for k in kids if proc_stat(k)]
    return max(kids)[1] if kids else None


def test_sessions_are_children_of_the_spawner(server, world, make_user):
    user = make_user()
    a = server.anon()
    b = server.login(user)
    pa = server.session_pid(a, _uid_is(world.anon.uid))
    pb = server.session_pid(b, _uid_is(user.uid))
    assert pa and pb and pa != pb
    spawner = _spawner(server)
    assert spawner, f"no spawner among {children_of(server.pid)}"
    # The listener forks only the spawner; the spawner forks every
    # pre-login and login process.
    assert children_of(server.pid) == [spawner]
    kids = children_of(spawner)
    assert pa in kids and pb in kids
    # Root (it forks the login workers), outside any jail, and holding
    # nothing but stdio, its channel and its event loop.
    uids, _, _ = proc_ids(spawner)
    assert uids == [0] * 4
    assert proc_root(spawner) == "/"
    fds = os.listdir(f"/proc/{spawner}/fd")
    assert len(fds) <= 6, sorted(fds, key=int)


def test_session_descriptor_table_stays_small(server, world):
    # The monitor holds a descriptor per connection.  A session forked
    # from it would get a copy of a table sized for all of them.
    held = [server.raw() for _ in range(200)]
    for rc in held:
        assert rc.reply().code == 220
    ftp = server.anon()
    pid = server.session_pid(ftp, _uid_is(world.anon.uid))
    assert pid
    assert int(proc_status(pid)["FDSize"]) <= 64, proc_status(pid)["FDSize"]
    for rc in held:
        rc.close()


def test_spawner_replaced_on_sighup(server, world, make_user):
    user = make_user()
    old_ftp = server.login(user)
    old = _spawner(server)
    assert old
    mark = world.syslog.mark()
    os.kill(server.pid, signal.SIGHUP)
    world.syslog.expect(r"SIGHUP: reloaded configuration", start=mark)
    new = wait_until(lambda: (lambda p: p if p and p != old else None)(
        _spawner(server)), 5.0)
    assert new, children_of(server.pid)
    # The old spawner stays while its sessions run, and the new one
    # serves new connections.
    assert alive(old)
    assert old_ftp.sendcmd("NOOP").startswith("200")
    ftp = server.anon()
    pid = server.session_pid(ftp, _uid_is(world.anon.uid))
    assert pid in children_of(new)
    old_ftp.quit()
    assert wait_until(lambda: not alive(old), 5.0), "old spawner stayed"
    assert ftp.sendcmd("NOOP").startswith("200")


def test_dead_spawner_is_replaced(server, world):
    old = _spawner(server)
    assert old
    mark = world.syslog.mark()
    os.kill(old, signal.SIGKILL)
    assert wait_until(lambda: not alive(old), 5.0)
    # The next connection finds it gone, starts another and is served.
    ftp = server.anon()
    assert ftp.sendcmd("NOOP").startswith("200")
    world.syslog.expect(r"spawner \d+ stopped answering; starting a new "
                        r"one", start=mark)
    new = _spawner(server)
    assert new and new != old
    assert server.session_pid(ftp, _uid_is(world.anon.uid)) in \
        children_of(new)


def test_inetd_prelogin_and_session(inetd, world):
    sess = inetd()
    ftp = sess.connect()
    top = sess.proc.pid

    def holder(uid):
        def find():
            kids = children_of(top)
            pids = pids_holding_connection(sess.port,
                                           ftp.sock.getsockname()[1], kids)
            pids = [p for p in pids if _uid_is(uid)(p)]
            return pids[0] if len(pids) == 1 else None
        return wait_until(find, 5.0)
    pid = holder(NOBODY.pw_uid)
    assert pid, f"no pre-login child of {top}: {children_of(top)}"
    _check_prelogin(pid, world)
    ftp.login("anonymous", ANON_IDENT)
    pid = holder(world.anon.uid)
    assert pid
    _check_session(pid, world.anon.uid, world.anon.gid, world.anon_root)


def _maps(pid):
    with open(f"/proc/{pid}/maps") as f:
        return f.read()


def test_pam_is_mapped_only_while_a_password_is_checked(server, world,
                                                        make_user):
    # libpam (and libaudit, libcap-ng it pulls in) is opened by the login
    # process and closed before it becomes the session: no other process
    # maps it, so every fork copies fewer mappings.
    user = make_user()
    ftp = server.login(user)
    anon = server.anon()
    sess = server.session_pid(ftp, _uid_is(user.uid))
    guest = server.session_pid(anon, _uid_is(world.anon.uid))
    spawner = _spawner(server)
    assert sess and guest and spawner
    for pid in (server.pid, spawner, sess, guest):
        maps = _maps(pid)
        assert "libpam.so" not in maps, (pid, cmdline_of(pid))
        assert "libaudit.so" not in maps, (pid, cmdline_of(pid))
    assert ftp.sendcmd("NOOP").startswith("200")
