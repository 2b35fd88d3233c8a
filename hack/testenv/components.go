package testenv

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The identities of the control plane. Components run as members of system:masters: this is a
// throwaway cluster, and what matters for ktriage's tests is the read-only user's restrictions.
const (
	userAdmin             = "admin"
	userReadOnly          = "viewer"
	userControllerManager = "system:kube-controller-manager"
	userScheduler         = "system:kube-scheduler"
	userKwok              = "kwok"
)

func (e *Env) writeTokens() error {
	e.tokens = map[string]string{}
	var b strings.Builder
	for _, user := range []string{userAdmin, userReadOnly, userControllerManager, userScheduler, userKwok} {
		token := newToken()
		e.tokens[user] = token
		groups := `"system:masters"`
		if user == userReadOnly {
			groups = ""
		}
		fmt.Fprintf(&b, "%s,%s,uid-%s,%s\n", token, user, strings.ReplaceAll(user, ":", "-"), groups)
	}
	return os.WriteFile(filepath.Join(e.Dir, "tokens.csv"), []byte(b.String()), 0o600)
}

// workloadControllers are the controllers that create and delete pods on their own.
var workloadControllers = []string{
	"replicaset-controller", "daemonset-controller", "statefulset-controller",
	"deployment-controller", "job-controller", "cronjob-controller", "replicationcontroller-controller",
}

func (e *Env) startControllerManager(ctx context.Context) error {
	kubeconfig, err := e.componentKubeconfig(binControllerManager, userControllerManager)
	if err != nil {
		return err
	}
	controllers := "*"
	if !e.opts.WorkloadControllers {
		for _, c := range workloadControllers {
			controllers += ",-" + c
		}
	}
	args := []string{
		"--kubeconfig=" + kubeconfig,
		"--authentication-kubeconfig=" + kubeconfig,
		"--authorization-kubeconfig=" + kubeconfig,
		"--bind-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(e.ports.controllerManager),
		"--leader-elect=false",
		"--controllers=" + controllers,
		"--service-account-private-key-file=" + e.pki.saPrivate,
		"--root-ca-file=" + e.pki.caFile,
		"--use-service-account-credentials=false",
		"--kube-api-qps=200",
		"--kube-api-burst=400",
	}
	if e.opts.NodeMonitorGracePeriod > 0 {
		args = append(args, "--node-monitor-grace-period="+e.opts.NodeMonitorGracePeriod.String(),
			"--node-monitor-period=1s")
	}
	p, err := e.launch(binControllerManager, args)
	if err != nil {
		return err
	}
	// The service-account controller creating the default namespace's account proves the
	// controller manager is connected and running its controllers.
	return p.waitFor(ctx, "wait for the default service account", func(ctx context.Context) error {
		_, err := e.Client.CoreV1().ServiceAccounts(metav1.NamespaceDefault).Get(ctx, "default", metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return errNotReady
		}
		return err
	})
}

func (e *Env) startScheduler(ctx context.Context) error {
	kubeconfig, err := e.componentKubeconfig(binScheduler, userScheduler)
	if err != nil {
		return err
	}
	p, err := e.launch(binScheduler, []string{
		"--kubeconfig=" + kubeconfig,
		"--authentication-kubeconfig=" + kubeconfig,
		"--authorization-kubeconfig=" + kubeconfig,
		"--bind-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(e.ports.scheduler),
		"--leader-elect=false",
	})
	if err != nil {
		return err
	}
	// The scheduler serves /readyz with its own self-signed certificate once its informers synced.
	insecure := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	url := "https://127.0.0.1:" + strconv.Itoa(e.ports.scheduler) + "/readyz"
	return p.waitFor(ctx, "wait for /readyz", func(ctx context.Context) error { return getOK(ctx, insecure, url) })
}

func (e *Env) startKwok(ctx context.Context) error {
	kubeconfig, err := e.componentKubeconfig(binKwok, userKwok)
	if err != nil {
		return err
	}
	// Container logs and exec (kwok_logs.go, kwok_exec.go): kwok watches its Logs and ClusterLogs
	// resources, so their definitions must be served before it starts.
	if err := e.installKwokCRDs(ctx); err != nil {
		return err
	}
	debugArgs, debugEnv, err := e.prepareKwokDebugging()
	if err != nil {
		return err
	}
	port := strconv.Itoa(e.ports.kubelet)
	p, err := e.launch(binKwok, append([]string{
		"--kubeconfig=" + kubeconfig,
		"--config=" + e.bins[kwokStagesFile],
		"--manage-nodes-with-annotation-selector=" + KwokNodeAnnotation + "=" + KwokNodeAnnotationValue,
		// Its nodes get InternalIP 127.0.0.1 and this port as their kubelet endpoint, so the API
		// server's pod-log and exec requests reach kwok's kubelet API. nodes/proxy does not: the
		// API server refuses to proxy to loopback (see kubelet_standin.go).
		"--node-ip=127.0.0.1",
		"--node-port=" + port,
		"--server-address=127.0.0.1:" + port,
		"--tls-cert-file=" + e.pki.serveCert,
		"--tls-private-key-file=" + e.pki.serveKey,
		"--node-lease-duration-seconds=" + strconv.Itoa(e.opts.NodeLeaseDurationSeconds),
		// Pod IPs for nodes without a podCIDR; nodes with one get addresses from it.
		"--cidr=10.128.0.1/9",
	}, debugArgs...), debugEnv...)
	if err != nil {
		return err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(e.pki.caCert)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	return p.waitFor(ctx, "wait for its kubelet API", func(ctx context.Context) error {
		return getOK(ctx, client, "https://127.0.0.1:"+port+"/healthz")
	})
}

// getOK succeeds when url answers 200.
func getOK(ctx context.Context, client *http.Client, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s: %s", url, resp.Status, strings.TrimSpace(string(body)))
	}
	return nil
}
