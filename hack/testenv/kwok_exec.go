package testenv

// Exec into pods through kwok. kwok v0.8.0 answers the kubelet's /exec/NS/POD/CONTAINER by running
// the requested command on its own machine, with the request's streams (through a pty when a TTY is
// asked for), as its ClusterExec or Exec objects' `local` target says: working directory,
// environment, user. Without such an object it refuses every exec.
//
// The testenv gives kwok one ClusterExec for every pod, read from an extra --config document. The
// command runs on the test machine as the user running the tests, so it is no sandbox: this is a
// throwaway control plane on loopback.
//
// ktriage's node shell execs `nsenter -t 1 -m -u -i -n -p -- sh -c 'bash || sh'`. nsenter cannot
// enter PID 1's namespaces on a test machine: in a sandbox even root is refused /proc/1/ns/*
// ("Permission denied"), and CI runners run the tests unprivileged. So kwok runs with a folder in
// front of its PATH that holds an nsenter stand-in: it records its arguments (NsenterCalls), refuses
// anything but PID 1 and namespace flags, and runs the command after "--" where it is. Everything
// before that is real: pods/exec through the API server, its WebSocket-to-SPDY translation, kwok's
// exec endpoint and the pty.

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// kwokExecConfig is the ClusterExec kwok reads from its second --config file.
const kwokExecConfig = `# Written by the ktriage testenv: exec into any pod runs the command locally.
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterExec
metadata:
  name: testenv-local-exec
spec:
  execs:
  - local:
      workDir: %s
      envs:
      - name: KTRIAGE_TESTENV_NSENTER_LOG
        value: %s
`

// nsenterStandIn takes nsenter's place on kwok's PATH (see the package comment above).
const nsenterStandIn = `#!/bin/sh
# nsenter stand-in of the ktriage testenv, first on kwok's PATH: kwok runs exec commands on the test
# machine, where PID 1's namespaces cannot be entered. It records the call, accepts only a target of
# PID 1 and namespace flags, and runs the command after "--" in place.
sep=$(printf '\037')
line=
for a in "$@"; do line="$line$a$sep"; done
if [ -n "$KTRIAGE_TESTENV_NSENTER_LOG" ]; then
  printf '%s\n' "$line" >>"$KTRIAGE_TESTENV_NSENTER_LOG"
fi
target=
while [ $# -gt 0 ]; do
  case $1 in
    --) shift; break ;;
    -t|--target) shift; target=$1 ;;
    --target=*) target=${1#--target=} ;;
    -m|-u|-i|-n|-p|-U|-C|-T|--mount|--uts|--ipc|--net|--pid|--user|--cgroup|--time) ;;
    *) echo "nsenter (testenv stand-in): unsupported argument: $1" >&2; exit 1 ;;
  esac
  shift
done
if [ "$target" != 1 ]; then
  echo "nsenter (testenv stand-in): the target must be PID 1, got '$target'" >&2
  exit 1
fi
if [ $# -eq 0 ]; then
  echo "nsenter (testenv stand-in): no command after --" >&2
  exit 1
fi
exec "$@"
`

// kwokExecPaths are the files behind kwok's exec: the ClusterExec config, the folder put first on
// kwok's PATH, and the nsenter stand-in's record of its calls.
func (e *Env) kwokExecPaths() (config, pathDir, calls string) {
	return filepath.Join(e.Dir, "kwok-exec.yaml"), filepath.Join(e.Dir, "kwok-exec-path"), filepath.Join(e.Dir, "nsenter-calls.log")
}

// prepareKwokDebugging writes what kwok's logs and exec need and returns the extra flags and
// environment kwok starts with.
func (e *Env) prepareKwokDebugging() (args, env []string, err error) {
	config, pathDir, calls := e.kwokExecPaths()
	workDir := filepath.Join(e.Dir, "kwok-exec-workdir")
	for _, dir := range []string{pathDir, workDir} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, nil, err
		}
	}
	if err := os.WriteFile(filepath.Join(pathDir, "nsenter"), []byte(nsenterStandIn), 0o755); err != nil {
		return nil, nil, err
	}
	doc := fmt.Sprintf(kwokExecConfig, strconv.Quote(workDir), strconv.Quote(calls))
	if err := os.WriteFile(config, []byte(doc), 0o644); err != nil {
		return nil, nil, err
	}
	args = []string{
		"--config=" + config,
		"--enable-crds=" + strings.Join(kwokCRDKinds, ","),
	}
	env = []string{"PATH=" + pathDir + string(os.PathListSeparator) + os.Getenv("PATH")}
	return args, env, nil
}

// NsenterCalls returns the argument lists nsenter was called with inside kwok's execs, oldest
// first (the node shell's `nsenter -t 1 … -- sh -c 'bash || sh'`).
func (e *Env) NsenterCalls() ([][]string, error) {
	_, _, calls := e.kwokExecPaths()
	data, err := os.ReadFile(calls)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out [][]string
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		if line == "" {
			continue
		}
		out = append(out, strings.Split(strings.TrimSuffix(line, "\x1f"), "\x1f"))
	}
	return out, nil
}
