package testdb

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// Server is a PostgreSQL server of one test's own, for a test that stops
// its database: the machine's shared server serves other tests, and is
// never stopped. It runs from a new data directory on a free loopback
// port, and is stopped when the test ends, whether it passed or not.
type Server struct {
	t    testing.TB
	bin  string // the directory of initdb and pg_ctl
	dir  string // holds the data directory and the server's log
	port int
	// asPostgres runs the server's commands as the postgres user:
	// PostgreSQL refuses to run as root.
	asPostgres bool
}

// StartServer makes and starts a private server. It skips the test when
// the suite runs with -short or PostgreSQL's binaries are not installed.
func StartServer(t testing.TB) *Server {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a PostgreSQL server of its own; skipped with -short")
	}
	bin := serverBin()
	if bin == "" {
		t.Skip("no initdb in PATH or /usr/lib/postgresql/*/bin: install PostgreSQL's server to run this test")
	}
	s := &Server{t: t, bin: bin, asPostgres: os.Geteuid() == 0}
	// Not t.TempDir(): its parent is closed to other users, and the server
	// may run as postgres.
	dir, err := os.MkdirTemp("", "gotong-pg-")
	if err != nil {
		t.Fatal(err)
	}
	s.dir = dir
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if s.asPostgres {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skipf("running as root, and no postgres user to run PostgreSQL as: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	s.port = freePort(t)
	s.run("initdb", "-D", s.data(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync")
	conf, err := os.OpenFile(filepath.Join(s.data(), "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Its socket stays in its own directory; nothing it holds needs to
	// survive a crash of the machine.
	_, err = fmt.Fprintf(conf, "port = %d\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\nfsync = off\nfull_page_writes = off\n",
		s.port, s.data())
	if cerr := conf.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Whatever state the test left it in: a server already stopped
		// (or never started) makes pg_ctl fail, which is fine here.
		_ = s.command("pg_ctl", "-D", s.data(), "-m", "immediate", "-w", "stop").Run()
	})
	s.Start()
	return s
}

// URL is the address of the server's postgres database, as TEST_DATABASE_URL
// would name it.
func (s *Server) URL() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", s.port)
}

// Stop shuts the server down as an administrator's restart does (a fast
// shutdown: open connections are ended, their transactions rolled back),
// and returns once it is down.
func (s *Server) Stop() {
	s.t.Helper()
	s.run("pg_ctl", "-D", s.data(), "-m", "fast", "-w", "stop")
}

// Start starts the server and returns once it takes connections.
func (s *Server) Start() {
	s.t.Helper()
	s.run("pg_ctl", "-D", s.data(), "-l", filepath.Join(s.dir, "server.log"), "-w", "start")
}

func (s *Server) data() string { return filepath.Join(s.dir, "data") }

// run runs one of the server's commands, failing the test with its output
// (and the server's log) when it fails.
func (s *Server) run(name string, args ...string) {
	s.t.Helper()
	if out, err := s.command(name, args...).CombinedOutput(); err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "server.log"))
		s.t.Fatalf("testdb: %s: %v\n%s\nserver log:\n%s", name, err, out, log)
	}
}

func (s *Server) command(name string, args ...string) *exec.Cmd {
	path := filepath.Join(s.bin, name)
	if s.asPostgres {
		args = append([]string{"-u", "postgres", "--", path}, args...)
		path = "runuser"
	}
	cmd := exec.Command(path, args...)
	cmd.Dir = s.dir // a directory the postgres user may enter
	return cmd
}

// serverBin is the directory of initdb: the one in PATH, else the newest
// of Debian's /usr/lib/postgresql/*/bin; "" when there is none.
func serverBin() string {
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p)
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	slices.SortFunc(found, func(a, b string) int { return versionOf(a) - versionOf(b) })
	if len(found) == 0 {
		return ""
	}
	return filepath.Dir(found[len(found)-1])
}

// versionOf is the major version in a path /usr/lib/postgresql/N/bin/initdb.
func versionOf(path string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(path))))
	return n
}

// freePort is a loopback port that nothing listens on now.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
