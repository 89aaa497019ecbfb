package podc

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestNetworkEnsureRemove(t *testing.T) {
	c := newClient(t)
	ctx := testCtx(t, time.Minute)
	net := uname("net")
	t.Cleanup(func() {
		if err := c.RemoveNetwork(context.Background(), net, true); err != nil && !errors.Is(err, ErrNotFound) {
			t.Errorf("cleanup: remove network %s: %v", net, err)
		}
	})
	created, err := c.EnsureNetwork(ctx, net, &NetworkOptions{Labels: map[string]string{LabelSession: testSession}})
	if err != nil || !created {
		t.Fatalf("EnsureNetwork = %v, %v; want created", created, err)
	}
	created, err = c.EnsureNetwork(ctx, net, nil)
	if err != nil || created {
		t.Fatalf("second EnsureNetwork = %v, %v; want existing", created, err)
	}
	if ok, err := c.NetworkExists(ctx, net); err != nil || !ok {
		t.Fatalf("NetworkExists = %v, %v", ok, err)
	}
	n, err := c.InspectNetwork(ctx, net)
	if err != nil {
		t.Fatalf("InspectNetwork: %v", err)
	}
	if n.Name != net || !n.DNSEnabled || n.Labels[LabelSession] != testSession || len(n.Subnets) == 0 {
		t.Errorf("network = %+v", n)
	}
	if err := c.RemoveNetwork(ctx, net, false); err != nil {
		t.Fatalf("RemoveNetwork: %v", err)
	}
	if ok, err := c.NetworkExists(ctx, net); err != nil || ok {
		t.Errorf("NetworkExists after remove = %v, %v", ok, err)
	}
	if err := c.RemoveNetwork(ctx, net, false); !errors.Is(err, ErrNotFound) {
		t.Errorf("RemoveNetwork of a missing network: %v, want ErrNotFound", err)
	}
	if _, err := c.EnsureNetwork(ctx, "bad net", nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("EnsureNetwork(bad net): %v, want ErrInvalid", err)
	}
}
