package podc

/*
#include <stdlib.h>
#include <podc.h>
*/
import "C"

import "context"

// NetworkOptions configure a network created by EnsureNetwork. The zero value is podc's
// default: a bridge network with DNS, so containers on it resolve each other by name.
type NetworkOptions struct {
	Labels     map[string]string
	Internal   bool
	DisableDNS bool
	Driver     string // "bridge" (default), "macvlan", "ipvlan"
	Subnet     string // CIDR, e.g. "10.89.77.0/24" ("" = podman picks a free one)
	Gateway    string // with Subnet; "" = the subnet's first address
}

// EnsureNetwork creates the network unless it exists and reports whether this call created
// it. An existing network is used as it is (its options are not compared).
func (c *Client) EnsureNetwork(ctx context.Context, name string, opts *NetworkOptions) (created bool, err error) {
	if opts == nil {
		opts = &NetworkOptions{}
	}
	var m cmem
	defer m.free()
	o := C.podc_network_options_new()
	if o == nil {
		return false, invalidOr(ErrNoMemory, "", "podc_network_options_new: out of memory")
	}
	defer C.podc_network_options_free(o)
	if opts.Internal {
		if err := m.setterError(C.podc_network_options_set_internal(o, 1, m.ep()), "internal"); err != nil {
			return false, err
		}
	}
	if opts.DisableDNS {
		if err := m.setterError(C.podc_network_options_set_dns_enabled(o, 0, m.ep()), "dns"); err != nil {
			return false, err
		}
	}
	if opts.Driver != "" {
		if err := m.setterError(C.podc_network_options_set_driver(o, m.str(opts.Driver), m.ep()), "driver"); err != nil {
			return false, err
		}
	}
	for _, k := range sortedKeys(opts.Labels) {
		if err := m.setterError(C.podc_network_options_add_label(o, m.str(k), m.str(opts.Labels[k]), m.ep()), "labels"); err != nil {
			return false, err
		}
	}
	if opts.Subnet != "" {
		rc := C.podc_network_options_add_subnet(o, m.str(opts.Subnet), m.opt(opts.Gateway), m.ep())
		if err := m.setterError(rc, "subnet"); err != nil {
			return false, err
		}
	} else if opts.Gateway != "" {
		return false, invalidOr(ErrInvalid, "gateway", "a gateway needs a subnet")
	}
	var out C.int
	err = c.nameCall(ctx, name, func(h *C.podc_client, n *C.char, e **C.podc_error) C.int {
		return C.podc_network_ensure(h, n, o, &out, e)
	})
	return out != 0, err
}

// NetworkExists reports whether the network exists (a missing one is not an error).
func (c *Client) NetworkExists(ctx context.Context, name string) (bool, error) {
	var out C.int
	err := c.nameCall(ctx, name, func(h *C.podc_client, n *C.char, e **C.podc_error) C.int {
		return C.podc_network_exists(h, n, &out, e)
	})
	return out != 0, err
}

// RemoveNetwork removes a network. Without force one with containers attached fails with
// ErrConflict; WARNING: force also removes every container attached to it. A missing network
// fails with ErrNotFound.
func (c *Client) RemoveNetwork(ctx context.Context, name string, force bool) error {
	f := C.uint(0)
	if force {
		f = C.PODC_NETWORK_REMOVE_FORCE
	}
	return c.nameCall(ctx, name, func(h *C.podc_client, n *C.char, e **C.podc_error) C.int {
		return C.podc_network_remove(h, n, f, e)
	})
}

// Network is a network's inspect result.
type Network struct {
	Name, ID   string
	Driver     string
	Interface  string   // on the host, e.g. "podman1"
	Subnets    []string // CIDR
	Gateway    string   // the first subnet's gateway ("" for internal networks)
	Internal   bool
	DNSEnabled bool
	Labels     map[string]string
	JSON       string // the whole network object
}

// InspectNetwork inspects a network. ErrNotFound when it does not exist.
func (c *Client) InspectNetwork(ctx context.Context, name string) (*Network, error) {
	var out *Network
	err := c.nameCall(ctx, name, func(h *C.podc_client, n *C.char, e **C.podc_error) C.int {
		var pn *C.podc_network
		rc := C.podc_network_inspect(h, n, &pn, e)
		if rc < 0 {
			return rc
		}
		defer C.podc_network_free(pn)
		out = &Network{
			Name:       goStr(C.podc_network_name(pn)),
			ID:         goStr(C.podc_network_id(pn)),
			Driver:     goStr(C.podc_network_driver(pn)),
			Interface:  goStr(C.podc_network_interface(pn)),
			Gateway:    goStr(C.podc_network_gateway(pn)),
			Internal:   C.podc_network_internal(pn) == 1,
			DNSEnabled: C.podc_network_dns_enabled(pn) == 1,
			JSON:       goStr(C.podc_network_json(pn)),
			Labels:     map[string]string{},
		}
		for i := C.size_t(0); i < C.podc_network_subnet_count(pn); i++ {
			out.Subnets = append(out.Subnets, goStr(C.podc_network_subnet_at(pn, i)))
		}
		for i := C.size_t(0); i < C.podc_network_label_count(pn); i++ {
			out.Labels[goStr(C.podc_network_label_key_at(pn, i))] = goStr(C.podc_network_label_value_at(pn, i))
		}
		return 0
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
