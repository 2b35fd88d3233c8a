package demo

// What the demo's kubelets can do. The incidents are seeded once, but a node taken through
// maintenance is rebooted by the simulator and comes back repaired; from then on its kubelet
// behaves like a healthy one, for the reactors (pod deletions, logs) as for the simulator (leases,
// status, flapping, recurring warnings), so nothing puts the incident back.

// alive reports whether the node's kubelet talks to the API server: it renews its Lease, posts
// status and serves logs.
func (c *Cluster) alive(node string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return node != NodeUnreachable || c.repaired[node]
}

// kubeletFinishesDeletes reports whether the node's kubelet confirms pod deletions, so a graceful
// delete removes the pod rather than leaving it Terminating.
func (c *Cluster) kubeletFinishesDeletes(node string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.kubeletGone[node]
}

// incident reports whether the node still has the trouble it was seeded with (or, for
// NodeFlapping, still flaps): false once the simulator has rebooted it.
func (c *Cluster) incident(node string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.repaired[node]
}

// repair records that the node was rebooted and fixed: its kubelet is back and healthy.
func (c *Cluster) repair(node string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.repaired[node] = true
	delete(c.kubeletGone, node)
}
