package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	logsapi "k8s.io/component-base/logs/api/v1"
	kubeletconfig "k8s.io/kubelet/config/v1beta1"
	"k8s.io/utils/ptr"
)

// The kubelets' running configuration, as /configz serves it: {"kubeletconfig": {...}} in the
// shape of kubelet.config.k8s.io/v1beta1 with the kubelet's defaults filled in, and only the
// fields the node's kubelet version knows.

func dur(d time.Duration) metav1.Duration { return metav1.Duration{Duration: d} }

// kubeletConfigOf is the node's kubelet configuration: kubeadm's defaults, the fleet's reservations
// (see nodes.go's capacity) and what each incident needs.
func kubeletConfigOf(p nodePlan) *kubeletconfig.KubeletConfiguration {
	reservedCPU := 80 + (p.machine.cpu-4)*5
	cfg := &kubeletconfig.KubeletConfiguration{
		EnableServer:       ptr.To(true),
		StaticPodPath:      "/etc/kubernetes/manifests",
		PodLogsDir:         "/var/log/pods",
		SyncFrequency:      dur(time.Minute),
		FileCheckFrequency: dur(20 * time.Second),
		HTTPCheckFrequency: dur(20 * time.Second),
		Address:            "0.0.0.0",
		Port:               10250,
		RotateCertificates: true,
		Authentication: kubeletconfig.KubeletAuthentication{
			X509:      kubeletconfig.KubeletX509Authentication{ClientCAFile: "/etc/kubernetes/pki/ca.crt"},
			Webhook:   kubeletconfig.KubeletWebhookAuthentication{Enabled: ptr.To(true), CacheTTL: dur(2 * time.Minute)},
			Anonymous: kubeletconfig.KubeletAnonymousAuthentication{Enabled: ptr.To(false)},
		},
		Authorization: kubeletconfig.KubeletAuthorization{
			Mode: kubeletconfig.KubeletAuthorizationModeWebhook,
			Webhook: kubeletconfig.KubeletWebhookAuthorization{
				CacheAuthorizedTTL: dur(5 * time.Minute), CacheUnauthorizedTTL: dur(30 * time.Second),
			},
		},
		RegistryPullQPS:                        ptr.To[int32](5),
		RegistryBurst:                          10,
		ImagePullCredentialsVerificationPolicy: kubeletconfig.NeverVerifyPreloadedImages,
		EventRecordQPS:                         ptr.To[int32](50),
		EventBurst:                             100,
		EnableDebuggingHandlers:                ptr.To(true),
		HealthzPort:                            ptr.To[int32](10248),
		HealthzBindAddress:                     "127.0.0.1",
		OOMScoreAdj:                            ptr.To[int32](-999),
		ClusterDomain:                          "cluster.local",
		ClusterDNS:                             []string{"10.96.0.10"},
		StreamingConnectionIdleTimeout:         dur(4 * time.Hour),
		NodeStatusUpdateFrequency:              dur(10 * time.Second),
		NodeStatusReportFrequency:              dur(5 * time.Minute),
		NodeLeaseDurationSeconds:               LeaseDurationSeconds,
		ImageMinimumGCAge:                      dur(2 * time.Minute),
		ImageMaximumGCAge:                      dur(0),
		ImageGCHighThresholdPercent:            ptr.To[int32](85),
		ImageGCLowThresholdPercent:             ptr.To[int32](80),
		VolumeStatsAggPeriod:                   dur(time.Minute),
		CgroupsPerQOS:                          ptr.To(true),
		CgroupDriver:                           "systemd",
		CPUManagerPolicy:                       "none",
		CPUManagerReconcilePeriod:              dur(10 * time.Second),
		MemoryManagerPolicy:                    kubeletconfig.NoneMemoryManagerPolicy,
		TopologyManagerPolicy:                  kubeletconfig.NoneTopologyManagerPolicy,
		TopologyManagerScope:                   kubeletconfig.ContainerTopologyManagerScope,
		RuntimeRequestTimeout:                  dur(2 * time.Minute),
		HairpinMode:                            kubeletconfig.PromiscuousBridge,
		MaxPods:                                110,
		PodPidsLimit:                           ptr.To[int64](-1),
		ResolverConfig:                         ptr.To("/run/systemd/resolve/resolv.conf"),
		CPUCFSQuota:                            ptr.To(true),
		CPUCFSQuotaPeriod:                      ptr.To(dur(100 * time.Millisecond)),
		NodeStatusMaxImages:                    ptr.To[int32](50),
		MaxOpenFiles:                           1000000,
		ContentType:                            "application/vnd.kubernetes.protobuf",
		KubeAPIQPS:                             ptr.To[int32](50),
		KubeAPIBurst:                           100,
		SerializeImagePulls:                    ptr.To(true),
		EvictionHard: map[string]string{
			"imagefs.available": "15%", "imagefs.inodesFree": "5%", "memory.available": "100Mi",
			"nodefs.available": "10%", "nodefs.inodesFree": "5%",
		},
		EvictionPressureTransitionPeriod:          dur(5 * time.Minute),
		MergeDefaultEvictionSettings:              ptr.To(false),
		EnableControllerAttachDetach:              ptr.To(true),
		MakeIPTablesUtilChains:                    ptr.To(true),
		IPTablesMasqueradeBit:                     ptr.To[int32](14),
		IPTablesDropBit:                           ptr.To[int32](15),
		FeatureGates:                              map[string]bool{"NodeLogQuery": true},
		FailSwapOn:                                ptr.To(true),
		ContainerLogMaxSize:                       "10Mi",
		ContainerLogMaxFiles:                      ptr.To[int32](5),
		ContainerLogMaxWorkers:                    ptr.To[int32](1),
		ContainerLogMonitorInterval:               ptr.To(dur(10 * time.Second)),
		ConfigMapAndSecretChangeDetectionStrategy: kubeletconfig.WatchChangeDetectionStrategy,
		SystemReserved:                            map[string]string{"cpu": "50m", "memory": "512Mi"},
		KubeReserved:                              map[string]string{"cpu": fmt.Sprintf("%dm", reservedCPU-50), "memory": "1Gi"},
		EnforceNodeAllocatable:                    []string{"pods"},
		VolumePluginDir:                           "/usr/libexec/kubernetes/kubelet-plugins/volume/exec/",
		Logging: logsapi.LoggingConfiguration{
			Format:         "text",
			FlushFrequency: logsapi.TimeOrMetaDuration{Duration: dur(5 * time.Second), SerializeAsString: true},
			Verbosity:      2,
		},
		EnableSystemLogHandler:          ptr.To(true),
		EnableSystemLogQuery:            ptr.To(true),
		ShutdownGracePeriod:             dur(0),
		ShutdownGracePeriodCriticalPods: dur(0),
		EnableProfilingHandler:          ptr.To(true),
		EnableDebugFlagsHandler:         ptr.To(true),
		SeccompDefault:                  ptr.To(false),
		MemoryThrottlingFactor:          ptr.To(0.9),
		RegisterNode:                    ptr.To(true),
		LocalStorageCapacityIsolation:   ptr.To(true),
		ContainerRuntimeEndpoint:        "unix:///run/containerd/containerd.sock",
		FailCgroupV1:                    ptr.To(false),
	}
	if p.os == ubuntu2204 {
		// The older pool's kubeadm configuration: a fixed disk threshold (worker-09's evictions quote it).
		cfg.EvictionHard["nodefs.available"] = "10Gi"
	}
	if p.name == NodeLogQueryOff {
		// Never given the settings the rest of the fleet got for the node log query.
		cfg.FeatureGates = nil
		cfg.EnableSystemLogQuery = ptr.To(false)
	}
	if p.centos() {
		cfg.CgroupDriver = "cgroupfs"
		cfg.ResolverConfig = ptr.To("/etc/resolv.conf")
		cfg.FeatureGates = nil
		cfg.EnableSystemLogQuery = ptr.To(false)
		cfg.ContainerRuntimeEndpoint = ""
		cfg.EvictionHard = map[string]string{"imagefs.available": "15%", "memory.available": "100Mi", "nodefs.available": "10%", "nodefs.inodesFree": "5%"}
	}
	if p.maxPods > 0 {
		cfg.MaxPods = int32(p.maxPods)
	}
	if p.name == NodeQOSCgroupsOff {
		// Seed 002: --cgroups-per-qos=false, so Node Allocatable is not enforced.
		cfg.CgroupsPerQOS = ptr.To(false)
	}
	return cfg
}

// configFieldSince is the kubelet minor version that added each configuration field (those a 1.12
// kubelet knows are not listed). Fields a kubelet does not know are not in its /configz.
var configFieldSince = map[string]int{
	"podLogsDir": 30, "nodeStatusReportFrequency": 13, "nodeLeaseDurationSeconds": 13, "imageMaximumGCAge": 29,
	"imagePullCredentialsVerificationPolicy": 33, "preloadedImagesVerificationAllowlist": 33,
	"memoryManagerPolicy": 21, "topologyManagerPolicy": 16, "topologyManagerScope": 20,
	"topologyManagerPolicyOptions": 26, "cpuManagerPolicyOptions": 22, "singleProcessOOMKill": 32,
	"nodeStatusMaxImages": 13, "containerLogMaxWorkers": 30, "containerLogMonitorInterval": 30,
	"reservedSystemCPUs": 17, "showHiddenMetricsForVersion": 17, "mergeDefaultEvictionSettings": 34,
	"volumePluginDir": 14, "providerID": 14, "kernelMemcgNotification": 15, "logging": 19,
	"enableSystemLogHandler": 21, "enableSystemLogQuery": 27, "shutdownGracePeriod": 20,
	"shutdownGracePeriodCriticalPods": 20, "shutdownGracePeriodByPodPriority": 24, "crashLoopBackOff": 32,
	"reservedMemory": 21, "enableProfilingHandler": 22, "enableDebugFlagsHandler": 22, "seccompDefault": 22,
	"memoryThrottlingFactor": 22, "memorySwap": 22, "registerWithTaints": 23, "registerNode": 23,
	"tracing": 25, "localStorageCapacityIsolation": 25, "containerRuntimeEndpoint": 27,
	"imageServiceEndpoint": 27, "failCgroupV1": 31, "userNamespaces": 30, "maxParallelImagePulls": 27,
	"defaultPodSysctls": 34, "memoryReservationPolicy": 37, "tlsCurvePreferences": 36,
}

// configz is the node's /configz answer.
func configz(p nodePlan) ([]byte, error) {
	body, err := json.Marshal(kubeletConfigOf(p))
	if err != nil {
		return nil, err
	}
	drop := map[string]bool{}
	for field, since := range configFieldSince {
		if p.minor() < since {
			drop[field] = true
		}
	}
	body, err = dropKeys(body, drop)
	if err != nil {
		return nil, err
	}
	return append(append([]byte(`{"kubeletconfig":`), body...), '}'), nil
}

// dropKeys removes top-level keys of a JSON object, keeping the order of the rest.
func dropKeys(obj []byte, drop map[string]bool) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(obj))
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.WriteByte('{')
	first := true
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, err
		}
		if drop[key] {
			continue
		}
		if !first {
			out.WriteByte(',')
		}
		first = false
		k, _ := json.Marshal(key)
		out.Write(k)
		out.WriteByte(':')
		out.Write(value)
	}
	out.WriteByte('}')
	return out.Bytes(), nil
}
