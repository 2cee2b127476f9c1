// Package cli holds what the example programs share: the flags that pick a
// tenant (the embedded demo tenant by default, a real one through Microsoft
// Graph with -tenant).
package cli

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/examples/internal/demo"
	"github.com/cloudhub/consent/serviceaccount"
)

// Demo tenant names, for flag defaults.
const (
	DemoDomain      = demo.Domain
	DemoHandMadeUPN = demo.HandMadeUPN
)

// TenantFlags are the flags that pick a tenant.
type TenantFlags struct {
	Tenant string
}

// Register adds the flags to fs.
func (f *TenantFlags) Register(fs *flag.FlagSet) {
	fs.StringVar(&f.Tenant, "tenant", "", "tenant ID or domain of a real tenant (default: the embedded demo tenant)")
}

// Tenant is an opened tenant.
type Tenant struct {
	Directory          directory.Directory
	ProvisionerOptions serviceaccount.Options
	Now                func() time.Time
}

// Open returns the tenant the flags name.
func (f *TenantFlags) Open(ctx context.Context, logger *slog.Logger, stderr io.Writer) (Tenant, error) {
	t, err := demo.NewSeededTenant(ctx)
	if err != nil {
		return Tenant{}, err
	}
	return Tenant{Directory: t, ProvisionerOptions: *t.ProvisionerOptions(), Now: t.Clock.Now}, nil
}
