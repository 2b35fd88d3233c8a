package testenv

import (
	"net/http"
	"path/filepath"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Context names in the kubeconfigs this package writes.
const (
	AdminContext    = "ktriage-testenv"
	ReadOnlyContext = "ktriage-testenv-readonly"
)

// restConfig is the REST config of one of the control plane's users: protobuf on the wire and a
// QPS high enough that fixtures and populate are bound by the server, not by the client.
func (e *Env) restConfig(user string) *rest.Config {
	return &rest.Config{
		Host:            e.Server,
		BearerToken:     e.tokens[user],
		TLSClientConfig: rest.TLSClientConfig{CAData: e.pki.caCert},
		ContentConfig: rest.ContentConfig{
			AcceptContentTypes: "application/vnd.kubernetes.protobuf,application/json",
			ContentType:        "application/vnd.kubernetes.protobuf",
		},
		QPS:       500,
		Burst:     1000,
		UserAgent: "ktriage-testenv",
	}
}

// setupClients makes the REST configs, clientsets and kubeconfig files of the admin and read-only users.
func (e *Env) setupClients() error {
	e.AdminConfig = e.restConfig(userAdmin)
	e.ReadOnlyConfig = e.restConfig(userReadOnly)
	var err error
	if e.Client, err = kubernetes.NewForConfig(e.AdminConfig); err != nil {
		return err
	}
	if e.ReadOnlyClient, err = kubernetes.NewForConfig(e.ReadOnlyConfig); err != nil {
		return err
	}
	e.AdminKubeconfig = filepath.Join(e.Dir, "kubeconfig")
	e.ReadOnlyKubeconfig = filepath.Join(e.Dir, "kubeconfig-readonly")
	if err := e.writeKubeconfig(e.AdminKubeconfig, AdminContext, userAdmin); err != nil {
		return err
	}
	return e.writeKubeconfig(e.ReadOnlyKubeconfig, ReadOnlyContext, userReadOnly)
}

// componentKubeconfig writes the kubeconfig a component runs with, as user, and returns its path.
func (e *Env) componentKubeconfig(component, user string) (string, error) {
	path := filepath.Join(e.Dir, component+".kubeconfig")
	return path, e.writeKubeconfig(path, "testenv", user)
}

func (e *Env) writeKubeconfig(path, context, user string) error {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["testenv"] = &clientcmdapi.Cluster{Server: e.Server, CertificateAuthorityData: e.pki.caCert}
	cfg.AuthInfos[user] = &clientcmdapi.AuthInfo{Token: e.tokens[user]}
	cfg.Contexts[context] = &clientcmdapi.Context{Cluster: "testenv", AuthInfo: user}
	cfg.CurrentContext = context
	return clientcmd.WriteToFile(*cfg, path)
}

// adminTransport is an HTTP transport that authenticates as the admin, for raw requests such as /readyz.
func (e *Env) adminTransport() (http.RoundTripper, error) {
	return rest.TransportFor(e.AdminConfig)
}
