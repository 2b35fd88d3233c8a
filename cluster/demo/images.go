package demo

import (
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Images the demo's pods run, with the sizes the CRI reports for them (bytes).
const (
	imgPause          = "registry.k8s.io/pause:3.10"
	imgCalicoNode     = "docker.io/calico/node:v3.30.3"
	imgCalicoCNI      = "docker.io/calico/cni:v3.30.3"
	imgCalicoKubeCtl  = "docker.io/calico/kube-controllers:v3.30.3"
	imgKubeProxy      = "registry.k8s.io/kube-proxy:v1.37.2"
	imgAPIServer      = "registry.k8s.io/kube-apiserver:v1.37.2"
	imgControllerMgr  = "registry.k8s.io/kube-controller-manager:v1.37.2"
	imgScheduler      = "registry.k8s.io/kube-scheduler:v1.37.2"
	imgEtcd           = "registry.k8s.io/etcd:3.6.4-0"
	imgCoreDNS        = "registry.k8s.io/coredns/coredns:v1.12.3"
	imgMetricsServer  = "registry.k8s.io/metrics-server/metrics-server:v0.8.0"
	imgNodeExporter   = "quay.io/prometheus/node-exporter:v1.9.1"
	imgRBACProxy      = "quay.io/brancz/kube-rbac-proxy:v0.19.1"
	imgFluentBit      = "cr.fluentbit.io/fluent/fluent-bit:4.0.7"
	imgNPD            = "registry.k8s.io/node-problem-detector/node-problem-detector:v0.8.21"
	imgCephCSI        = "quay.io/cephcsi/cephcsi:v3.14.2"
	imgCSIRegistrar   = "registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.14.0"
	imgIngressNginx   = "registry.k8s.io/ingress-nginx/controller:v1.13.2"
	imgPrometheus     = "quay.io/prometheus/prometheus:v3.5.0"
	imgConfigReloader = "quay.io/prometheus-operator/prometheus-config-reloader:v0.85.0"
	imgAlertmanager   = "quay.io/prometheus/alertmanager:v0.28.1"
	imgKSM            = "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.16.0"
	imgGrafana        = "docker.io/grafana/grafana:12.1.1"
	imgFrontend       = "registry.example.com/shop/frontend:5.0.2"
	imgCheckout       = "registry.example.com/shop/checkout:2.14.3"
	imgCart           = "registry.example.com/shop/cart:1.9.0"
	imgCatalog        = "registry.example.com/shop/catalog:3.2.1"
	imgRecommend      = "registry.example.com/shop/recommendations:0.9.4"
	imgPayments       = "registry.example.com/payments/payments-api:4.7.0"
	imgPostgres       = "docker.io/library/postgres:16.10"
	imgKafka          = "docker.io/bitnami/kafka:3.9.0"
	imgRedis          = "docker.io/library/redis:7.4.5"
	imgAirflow        = "docker.io/apache/airflow:2.10.5-python3.11"
	imgPyTorch        = "nvcr.io/nvidia/pytorch:25.06-py3"
	imgTensorflow     = "docker.io/tensorflow/tensorflow:2.19.0-gpu"
	imgFeaturePipe    = "registry.example.com/ml/feature-pipeline:0.31.0"
	imgFeatureStore   = "registry.example.com/ml/feature-store:1.6.2"
	imgSpark          = "docker.io/apache/spark:3.5.6-python3"
	imgElastic        = "docker.elastic.co/elasticsearch/elasticsearch:8.18.3"
	imgIndexer        = "registry.example.com/search/search-indexer:7.3.0"
	imgAnalyticsAPI   = "registry.example.com/search/analytics-api:2.2.0"
	imgBusybox        = "docker.io/library/busybox:1.36.1"
	imgEcho           = "registry.example.com/perf/echo-server:1.4.0"
	imgBilling        = "registry.example.com/billing/billing-worker:1.22.7"
	imgBillingNext    = "registry.example.com/billing/billing-worker:1.23.0"
	imgReports        = "registry.example.com/shop/report-generator:1.3.1"
)

var imageSizes = map[string]int64{
	imgPause:          321_520,
	imgCalicoNode:     156_870_214,
	imgCalicoCNI:      97_215_833,
	imgCalicoKubeCtl:  35_880_102,
	imgKubeProxy:      31_227_451,
	imgAPIServer:      28_941_872,
	imgControllerMgr:  26_411_045,
	imgScheduler:      20_103_661,
	imgEtcd:           23_653_980,
	imgCoreDNS:        22_384_805,
	imgMetricsServer:  19_522_610,
	imgNodeExporter:   12_391_473,
	imgRBACProxy:      10_846_377,
	imgFluentBit:      38_102_559,
	imgNPD:            61_907_034,
	imgCephCSI:        521_804_112,
	imgCSIRegistrar:   11_205_389,
	imgIngressNginx:   121_436_085,
	imgPrometheus:     121_004_930,
	imgConfigReloader: 14_201_870,
	imgAlertmanager:   32_655_217,
	imgKSM:            17_240_338,
	imgGrafana:        182_390_664,
	imgFrontend:       64_108_902,
	imgCheckout:       251_733_410,
	imgCart:           24_017_588,
	imgCatalog:        311_528_049,
	imgRecommend:      702_119_348,
	imgPayments:       289_361_207,
	imgPostgres:       158_204_561,
	imgKafka:          331_692_005,
	imgRedis:          46_371_120,
	imgAirflow:        1_318_560_774,
	imgPyTorch:        9_812_456_031,
	imgTensorflow:     3_621_907_458,
	imgFeaturePipe:    2_415_066_893,
	imgFeatureStore:   1_107_522_340,
	imgSpark:          1_051_338_916,
	imgElastic:        690_422_178,
	imgIndexer:        482_905_331,
	imgAnalyticsAPI:   198_664_010,
	imgBusybox:        2_155_227,
	imgEcho:           8_114_903,
	imgBilling:        409_827_556,
	imgBillingNext:    411_203_875,
	imgReports:        142_880_291,
}

// imageID is how the CRI names an image it pulled: the repository digest.
func imageID(image string) string {
	repo := image
	if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
		repo = image[:i]
	}
	return repo + "@sha256:" + hex64("image", image)
}

// nodeImages is node.status.images for a node holding these images: repository digest and tag
// for each, largest first, at most 50 as the kubelet reports.
func nodeImages(images []string) []corev1.ContainerImage {
	seen := map[string]bool{}
	var out []corev1.ContainerImage
	for _, img := range append([]string{imgPause}, images...) {
		if seen[img] {
			continue
		}
		seen[img] = true
		out = append(out, corev1.ContainerImage{Names: []string{imageID(img), img}, SizeBytes: imageSizes[img]})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].SizeBytes != out[j].SizeBytes {
			return out[i].SizeBytes > out[j].SizeBytes
		}
		return out[i].Names[1] < out[j].Names[1]
	})
	if len(out) > 50 {
		out = out[:50]
	}
	return out
}
