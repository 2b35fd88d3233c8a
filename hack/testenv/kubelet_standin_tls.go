package testenv

// The kubelet stand-in's address and TLS: the global unicast address it listens on (HostAddress),
// its serving certificate signed by the testenv CA, and a client that trusts that CA.

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

// HostAddress returns the address a stand-in kubelet listens on: $KTRIAGE_TESTENV_HOST_IP, or the
// first global unicast IPv4 address of this machine's interfaces (else the first IPv6 one). The
// API server proxies to nothing else. A machine with only loopback and link-local addresses has
// none, and the error says so.
func HostAddress() (net.IP, error) {
	if s := os.Getenv("KTRIAGE_TESTENV_HOST_IP"); s != "" {
		ip := net.ParseIP(s)
		if ip == nil || !ip.IsGlobalUnicast() {
			return nil, fmt.Errorf("KTRIAGE_TESTENV_HOST_IP=%q is not a global unicast address", s)
		}
		return ip, nil
	}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil, fmt.Errorf("list this machine's addresses: %w", err)
	}
	var v6 net.IP
	var seen []string
	for _, a := range addrs {
		ipnet, ok := a.(*net.IPNet)
		if !ok {
			continue
		}
		ip := ipnet.IP
		seen = append(seen, ip.String())
		if ip.IsLoopback() || !ip.IsGlobalUnicast() {
			continue
		}
		if ip4 := ip.To4(); ip4 != nil {
			return ip4, nil
		}
		if v6 == nil {
			v6 = ip
		}
	}
	if v6 != nil {
		return v6, nil
	}
	return nil, fmt.Errorf("this machine has no global unicast address (it has %s): the API server's nodes/proxy "+
		"refuses loopback and link-local kubelet addresses (\"address not allowed\"), so a kubelet stand-in has "+
		"nowhere to listen; give the machine a non-loopback address or set KTRIAGE_TESTENV_HOST_IP",
		strings.Join(seen, ", "))
}

// issueServing makes a serving certificate for the given addresses and names, signed by the CA.
func (p *pki) issueServing(ips []net.IP, dns []string) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return tls.Certificate{}, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial.Add(serial, big.NewInt(3)),
		Subject:      pkix.Name{CommonName: "kubelet-stand-in"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     dns,
		IPAddresses:  ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.ca, &key.PublicKey, p.caKey)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

// client is an HTTPS client that trusts the CA.
func (p *pki) client(timeout time.Duration) (*http.Client, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(p.caCert) {
		return nil, errors.New("testenv CA does not parse")
	}
	return &http.Client{Timeout: timeout, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}, nil
}
