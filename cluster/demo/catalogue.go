package demo

import (
	"time"

	corev1 "k8s.io/api/core/v1"
)

// catalogue holds the cluster's workloads. It is built fresh for every seed: the seeder appends
// pods to the workloads.
type catalogue struct {
	// node agents
	calicoNode, kubeProxy, nodeExporter, fluentBit, npd, cephCSI *workload
	// control plane (static pods)
	etcd, apiServer, controllerMgr, scheduler *workload
	// cluster services
	coreDNS, calicoControllers, metricsServer, ingress                      *workload
	prometheus, alertmanager, kubeStateMetrics, grafana                     *workload
	frontend, checkout, cart, catalog, catalogOld, recommendations, reports *workload
	paymentsAPI, ledgerDB, kafka, redis                                     *workload
	airflowWorker, airflowTask                                              *workload
	trainer, tfServing, featurePipeline, featureStore, sparkExec            *workload
	searchES, indexer, analyticsAPI                                         *workload
	loadgen, loadgenOld, echo                                               *workload
	billing, billingNext                                                    *workload
	gpuInference                                                            *workload
}

func newCatalogue() *catalogue {
	sysDS := func(name, ns string, hostNet bool, rolled time.Duration, cs ...ctr) *workload {
		return &workload{kind: kindDaemonSet, namespace: ns, name: name, hash: templateHash(ns + "/" + name),
			hostNetwork: hostNet, priorityClass: "system-node-critical", serviceAccount: name,
			rolled: rolled, containers: cs}
	}
	static := func(name string, c ctr) *workload {
		return &workload{kind: kindStatic, namespace: "kube-system", name: name, hostNetwork: true,
			priorityClass: "system-node-critical", containers: []ctr{c}}
	}
	deploy := func(ns, name string, replicas int32, rolled time.Duration, cs ...ctr) *workload {
		return &workload{kind: kindDeployment, namespace: ns, name: name, hash: templateHash(ns + "/" + name),
			replicas: replicas, rolled: rolled, containers: cs}
	}
	sts := func(ns, name string, replicas int32, rolled time.Duration, cs ...ctr) *workload {
		return &workload{kind: kindStatefulSet, namespace: ns, name: name, hash: templateHash(ns + "/" + name),
			replicas: replicas, rolled: rolled, containers: cs}
	}
	job := func(ns, name string, rolled time.Duration, cs ...ctr) *workload {
		return &workload{kind: kindJob, namespace: ns, name: name, restartPolicy: corev1.RestartPolicyNever,
			rolled: rolled, containers: cs}
	}

	c := &catalogue{}
	c.calicoNode = sysDS("calico-node", "kube-system", true, 41*day,
		ctr{name: "calico-node", image: imgCalicoNode, req: "250m/256Mi", lim: "-/512Mi"})
	c.calicoNode.inits = []ctr{
		{name: "upgrade-ipam", image: imgCalicoCNI},
		{name: "install-cni", image: imgCalicoCNI},
		{name: "mount-bpffs", image: imgCalicoNode},
	}
	c.calicoNode.volumes = []corev1.Volume{hostPath("cni-net-dir", "/etc/cni/net.d"), hostPath("var-run-calico", "/var/run/calico")}
	c.calicoNode.containers[0].mounts = map[string]string{"var-run-calico": "/var/run/calico"}
	c.calicoNode.inits[1].mounts = map[string]string{"cni-net-dir": "/host/etc/cni/net.d"}

	c.kubeProxy = sysDS("kube-proxy", "kube-system", true, 41*day, ctr{name: "kube-proxy", image: imgKubeProxy,
		args:   []string{"--config=/var/lib/kube-proxy/config.conf", "--hostname-override=$(NODE_NAME)"},
		mounts: map[string]string{"kube-proxy": "/var/lib/kube-proxy", "lib-modules": "/lib/modules"}})
	c.kubeProxy.volumes = []corev1.Volume{configMapVolume("kube-proxy", "kube-proxy"), hostPath("lib-modules", "/lib/modules")}

	c.nodeExporter = sysDS("node-exporter", "monitoring", true, 88*day,
		ctr{name: "node-exporter", image: imgNodeExporter, req: "102m/180Mi", lim: "250m/180Mi", ports: []int32{9100}},
		ctr{name: "kube-rbac-proxy", image: imgRBACProxy, req: "10m/20Mi", lim: "20m/40Mi", ports: []int32{9100}})
	c.nodeExporter.priorityClass = ""
	c.fluentBit = sysDS("fluent-bit", "logging", false, 23*day,
		ctr{name: "fluent-bit", image: imgFluentBit, req: "100m/128Mi", lim: "-/256Mi", ports: []int32{2020},
			mounts: map[string]string{"varlog": "/var/log"}})
	c.fluentBit.volumes = []corev1.Volume{hostPath("varlog", "/var/log")}
	c.fluentBit.priorityClass = ""
	c.npd = sysDS("node-problem-detector", "kube-system", false, 64*day,
		ctr{name: "node-problem-detector", image: imgNPD, req: "20m/20Mi", lim: "200m/100Mi",
			args: []string{"--config.system-log-monitor=/config/kernel-monitor.json,/config/systemd-monitor.json",
				"--config.custom-plugin-monitor=/config/health-checker-containerd.json,/config/systemd-monitor-counter.json"}})
	c.cephCSI = sysDS("csi-rbdplugin", "ceph-csi", true, 130*day,
		ctr{name: "driver-registrar", image: imgCSIRegistrar, req: "10m/32Mi"},
		ctr{name: "csi-rbdplugin", image: imgCephCSI, req: "50m/128Mi", lim: "-/512Mi"},
		ctr{name: "liveness-prometheus", image: imgCephCSI, req: "5m/16Mi"})
	c.cephCSI.serviceAccount = "rbd-csi-nodeplugin"

	c.etcd = static("etcd", ctr{name: "etcd", image: imgEtcd, req: "100m/100Mi"})
	c.apiServer = static("kube-apiserver", ctr{name: "kube-apiserver", image: imgAPIServer, req: "250m"})
	c.controllerMgr = static("kube-controller-manager", ctr{name: "kube-controller-manager", image: imgControllerMgr, req: "200m"})
	c.scheduler = static("kube-scheduler", ctr{name: "kube-scheduler", image: imgScheduler, req: "100m"})

	c.coreDNS = deploy("kube-system", "coredns", 2, 41*day, ctr{name: "coredns", image: imgCoreDNS, req: "100m/70Mi", lim: "-/170Mi", ports: []int32{53, 9153}})
	c.coreDNS.priorityClass, c.coreDNS.serviceAccount = "system-cluster-critical", "coredns"
	c.calicoControllers = deploy("kube-system", "calico-kube-controllers", 1, 41*day, ctr{name: "calico-kube-controllers", image: imgCalicoKubeCtl})
	c.calicoControllers.priorityClass, c.calicoControllers.serviceAccount = "system-cluster-critical", "calico-kube-controllers"
	c.metricsServer = deploy("kube-system", "metrics-server", 1, 55*day, ctr{name: "metrics-server", image: imgMetricsServer, req: "100m/200Mi", ports: []int32{10250}})
	c.metricsServer.priorityClass = "system-cluster-critical"
	c.ingress = deploy("ingress-nginx", "ingress-nginx-controller", 2, 19*day, ctr{name: "controller", image: imgIngressNginx, req: "100m/90Mi", ports: []int32{80, 443}})

	c.prometheus = sts("monitoring", "prometheus-k8s", 2, 12*day,
		ctr{name: "prometheus", image: imgPrometheus, req: "200m/2Gi", lim: "-/4Gi", ports: []int32{9090}, mounts: map[string]string{"prometheus-k8s-db": "/prometheus"}},
		ctr{name: "config-reloader", image: imgConfigReloader, req: "10m/50Mi", lim: "10m/50Mi"})
	c.prometheus.volumes = []corev1.Volume{emptyDir("prometheus-k8s-db", "")}
	c.prometheus.inits = []ctr{{name: "init-config-reloader", image: imgConfigReloader, req: "10m/50Mi", lim: "10m/50Mi"}}
	c.alertmanager = sts("monitoring", "alertmanager-main", 1, 12*day,
		ctr{name: "alertmanager", image: imgAlertmanager, req: "4m/100Mi", lim: "100m/100Mi", ports: []int32{9093}})
	c.kubeStateMetrics = deploy("monitoring", "kube-state-metrics", 1, 12*day, ctr{name: "kube-state-metrics", image: imgKSM, req: "10m/190Mi", lim: "100m/250Mi"})
	c.grafana = deploy("monitoring", "grafana", 1, 12*day, ctr{name: "grafana", image: imgGrafana, req: "100m/100Mi", lim: "200m/200Mi", ports: []int32{3000},
		mounts: map[string]string{"grafana-storage": "/var/lib/grafana"}})
	c.grafana.volumes = []corev1.Volume{emptyDir("grafana-storage", "")}

	c.frontend = deploy("shop", "frontend", 4, 6*day, ctr{name: "frontend", image: imgFrontend, req: "100m/128Mi", lim: "500m/256Mi", ports: []int32{8080}})
	c.checkout = deploy("shop", "checkout", 3, 9*day, ctr{name: "checkout", image: imgCheckout, req: "500m/1Gi", lim: "1/1536Mi", ports: []int32{8080, 9404}})
	c.checkout.inits = []ctr{{name: "migrate", image: imgCheckout, req: "100m/256Mi", lim: "500m/512Mi", args: []string{"migrate", "--wait-for-db"}}}
	c.cart = deploy("shop", "cart", 3, 9*day, ctr{name: "cart", image: imgCart, req: "200m/256Mi", lim: "500m/512Mi", ports: []int32{8080}})
	c.catalog = deploy("shop", "catalog", 4, 27*minute, ctr{name: "catalog", image: imgCatalog, req: "250m/512Mi", lim: "1/1Gi", ports: []int32{3000},
		mounts: map[string]string{"cache": "/app/.cache"}})
	c.catalog.volumes = []corev1.Volume{emptyDir("cache", "2Gi")}
	c.catalogOld = c.catalog.clone(c.catalog.previousHash(), 8*day)
	c.recommendations = deploy("shop", "recommendations", 2, 15*day, ctr{name: "recommendations", image: imgRecommend, req: "4/56Gi", lim: "8/56Gi", ports: []int32{8080}})
	c.recommendations.affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
			MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "node.kubernetes.io/instance-type", Operator: corev1.NodeSelectorOpNotIn, Values: []string{"m4.4xlarge"}}},
		}}},
	}}
	c.reports = job("shop", "report-generator-29318460", 52*minute, ctr{name: "report-generator", image: imgReports, req: "500m/512Mi", lim: "1/1Gi"})

	c.paymentsAPI = deploy("payments", "payments-api", 2, 4*day, ctr{name: "payments-api", image: imgPayments, req: "500m/1Gi", lim: "2/2Gi", ports: []int32{8443}})
	c.paymentsAPI.runtimeClass = "kata"
	c.paymentsAPI.overhead = resourceList("250m/160Mi")
	c.ledgerDB = sts("payments", "ledger-db", 2, 33*day, ctr{name: "postgres", image: imgPostgres, req: "1/2Gi", lim: "2/4Gi", ports: []int32{5432},
		mounts: map[string]string{"dshm": "/dev/shm"}})
	c.ledgerDB.volumes = []corev1.Volume{{Name: "dshm", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{Medium: corev1.StorageMediumMemory}}}}
	c.kafka = sts("data", "kafka", 3, 47*day, ctr{name: "kafka", image: imgKafka, req: "1/4Gi", lim: "2/6Gi", ports: []int32{9092, 9093}})
	c.redis = deploy("data", "redis", 1, 47*day, ctr{name: "redis", image: imgRedis, req: "100m/256Mi", lim: "-/1Gi", ports: []int32{6379}})

	c.airflowWorker = sts("data", "airflow-worker", 2, 3*day, ctr{name: "worker", image: imgAirflow, req: "500m/2Gi", lim: "2/4Gi", ports: []int32{8793},
		mounts: map[string]string{"logs": "/opt/airflow/logs"}})
	c.airflowWorker.volumes = []corev1.Volume{emptyDir("logs", "")}
	c.airflowTask = &workload{kind: kindBare, namespace: "data", name: "etl-daily-orders-extract", app: "airflow-task",
		restartPolicy: corev1.RestartPolicyNever, rolled: 40 * minute,
		containers: []ctr{{name: "base", image: imgAirflow, req: "250m/512Mi", lim: "1/1Gi", args: []string{"airflow", "tasks", "run"}}}}

	c.trainer = job("ml", "bert-finetune-28911", (2*60+15)*minute, ctr{name: "trainer", image: imgPyTorch, req: "4/24Gi", lim: "6/32Gi",
		mounts: map[string]string{"scratch": "/scratch", "dshm": "/dev/shm"}})
	c.trainer.volumes = []corev1.Volume{emptyDir("scratch", ""), {Name: "dshm", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{Medium: corev1.StorageMediumMemory}}}}
	c.tfServing = deploy("ml", "tf-serving", 1, 8*day, ctr{name: "serving", image: imgTensorflow, req: "1/4Gi", lim: "2/8Gi", ports: []int32{8500, 8501}})
	c.featurePipeline = job("ml", "feature-pipeline-29318400", 95*minute, ctr{name: "pipeline", image: imgFeaturePipe, req: "1/4Gi", lim: "2/8Gi",
		mounts: map[string]string{"work": "/work"}})
	c.featurePipeline.volumes = []corev1.Volume{emptyDir("work", "")}
	c.featureStore = deploy("ml", "feature-store", 2, 2*day, ctr{name: "app", image: imgFeatureStore, req: "500m/2Gi", lim: "1/4Gi", ports: []int32{6566}})
	c.sparkExec = &workload{kind: kindBare, namespace: "ml", name: "embeddings-backfill-exec", app: "spark-executor",
		restartPolicy: corev1.RestartPolicyNever, rolled: 70 * minute,
		containers: []ctr{{name: "spark-kubernetes-executor", image: imgSpark, req: "1/6Gi", lim: "2/6Gi"}}}

	c.searchES = sts("search", "search-es", 1, 26*day, ctr{name: "elasticsearch", image: imgElastic, req: "1/4Gi", lim: "2/8Gi", ports: []int32{9200, 9300}})
	c.indexer = deploy("search", "search-indexer", 3, 5*day, ctr{name: "indexer", image: imgIndexer, req: "500m/2Gi", lim: "2/6Gi", ports: []int32{8080}})
	c.analyticsAPI = deploy("search", "analytics-api", 2, 5*day, ctr{name: "analytics-api", image: imgAnalyticsAPI, req: "200m/512Mi", lim: "1/2Gi", ports: []int32{8080}})

	c.loadgen = deploy("perf-test", "loadgen", 150, 5*hour+10*minute, ctr{name: "loadgen", image: imgBusybox, req: "10m/16Mi", lim: "50m/32Mi",
		args: []string{"sh", "-c", "while true; do wget -q -O- http://echo-server:8080/ >/dev/null; sleep 1; done"}})
	c.loadgenOld = c.loadgen.clone(c.loadgen.previousHash(), 9*hour)
	c.echo = deploy("perf-test", "echo-server", 6, 30*day, ctr{name: "echo", image: imgEcho, req: "50m/32Mi", lim: "200m/64Mi", ports: []int32{8080}})

	c.billing = deploy("legacy-billing", "billing-worker", 10, 120*day, ctr{name: "billing-worker", image: imgBilling, req: "500m/1Gi", lim: "2/2Gi", ports: []int32{8080}})
	c.billingNext = c.billing.clone(templateHash("legacy-billing/billing-worker/1.23.0"), 35*minute)
	c.billingNext.containers = []ctr{{name: "billing-worker", image: imgBillingNext, req: "500m/1Gi", lim: "2/2Gi", ports: []int32{8080}}}

	c.gpuInference = deploy("ml", "gpu-inference", 1, 18*minute, ctr{name: "inference", image: imgTensorflow, req: "2/8Gi", lim: "4/8Gi"})
	c.gpuInference.nodeSelector = map[string]string{"nvidia.com/gpu.present": "true"}
	return c
}
