// Package tenantflag holds the flags that pick the tenant an example
// program works on, and opens it: the embedded demo tenant by default, or a
// real tenant through Microsoft Graph with -tenant, signed in the way -auth
// says.
//
// It imports the Graph backend (and with it the Graph SDK and azidentity),
// so only the examples that can work on a real tenant (provision, verify)
// use it. Plain command-line parsing lives in package flagparse, which stays
// light so that the examples that only ever run offline (roles, onboard)
// build without the Graph SDK.
package tenantflag

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir"
	"github.com/cloudhub/consent/examples/internal/demo"
	"github.com/cloudhub/consent/serviceaccount"
)

// Demo tenant names, for flag defaults.
const (
	DemoDomain      = demo.Domain
	DemoHandMadeUPN = demo.HandMadeUPN
)

// Auth methods for -auth.
const (
	AuthDevice  = "device"
	AuthBrowser = "browser"
	AuthSecret  = "secret"
	AuthCert    = "cert"
	AuthDefault = "default"
)

// Flags are the flags that pick a tenant.
type Flags struct {
	Tenant   string
	ClientID string
	Auth     string
	Cloud    string
	CertPath string
}

// Register adds the flags to fs.
func (f *Flags) Register(fs *flag.FlagSet) {
	fs.StringVar(&f.Tenant, "tenant", "", "tenant ID or domain of a real tenant (default: the embedded demo tenant)")
	fs.StringVar(&f.ClientID, "client-id", "", "application (client) ID of your app registration (-auth device|browser|secret|cert)")
	fs.StringVar(&f.Auth, "auth", AuthDevice, "how to sign in: device (device code), browser (interactive), secret (client secret in $AZURE_CLIENT_SECRET), cert (-cert file, password in $AZURE_CLIENT_CERTIFICATE_PASSWORD), default (DefaultAzureCredential)")
	fs.StringVar(&f.Cloud, "cloud", "Global", "national cloud: Global, USGovL4, USGovL5DoD or China")
	fs.StringVar(&f.CertPath, "cert", "", "PEM or PKCS#12 file holding the certificate and private key (-auth cert)")
}

// Tenant is an opened tenant.
type Tenant struct {
	Directory          directory.Directory
	ProvisionerOptions serviceaccount.Options
	Now                func() time.Time
	// AuthorityHost is the Microsoft Entra authority of the tenant's
	// cloud (for admin-consent URLs); empty for the global cloud.
	AuthorityHost string
}

// Open returns the tenant the flags name: the seeded demo tenant without
// -tenant, the real tenant through Microsoft Graph with it.
func (f *Flags) Open(ctx context.Context, logger *slog.Logger, stderr io.Writer) (Tenant, error) {
	if f.Tenant == "" {
		t, err := demo.NewSeededTenant(ctx)
		if err != nil {
			return Tenant{}, err
		}
		return Tenant{Directory: t, ProvisionerOptions: *t.ProvisionerOptions(), Now: t.Clock.Now}, nil
	}
	cl, err := graphdir.ParseCloud(f.Cloud)
	if err != nil {
		return Tenant{}, fmt.Errorf("-cloud: %w", err)
	}
	cred, err := f.Credential(cl, stderr)
	if err != nil {
		return Tenant{}, err
	}
	dir, err := graphdir.New(cred, &graphdir.Options{Cloud: cl, Logger: logger})
	if err != nil {
		return Tenant{}, err
	}
	authority := cl.AzureCloud().ActiveDirectoryAuthorityHost
	return Tenant{Directory: dir, Now: time.Now, AuthorityHost: authority,
		ProvisionerOptions: serviceaccount.Options{AuthorityHost: authority}}, nil
}

// Credential builds the azidentity credential -auth names, configured for
// the cloud's Microsoft Entra authority.
func (f *Flags) Credential(cl graphdir.Cloud, stderr io.Writer) (azcore.TokenCredential, error) {
	co := azcore.ClientOptions{Cloud: cl.AzureCloud()}
	needClient := func() error {
		if f.ClientID == "" {
			return fmt.Errorf("-auth %s needs -client-id (the application ID of your app registration)", f.Auth)
		}
		return nil
	}
	switch f.Auth {
	case AuthDevice:
		if err := needClient(); err != nil {
			return nil, err
		}
		return azidentity.NewDeviceCodeCredential(&azidentity.DeviceCodeCredentialOptions{
			TenantID: f.Tenant, ClientID: f.ClientID, ClientOptions: co,
			UserPrompt: func(ctx context.Context, m azidentity.DeviceCodeMessage) error {
				_, err := fmt.Fprintln(stderr, m.Message)
				return err
			},
		})
	case AuthBrowser:
		if err := needClient(); err != nil {
			return nil, err
		}
		return azidentity.NewInteractiveBrowserCredential(&azidentity.InteractiveBrowserCredentialOptions{
			TenantID: f.Tenant, ClientID: f.ClientID, ClientOptions: co,
		})
	case AuthSecret:
		if err := needClient(); err != nil {
			return nil, err
		}
		secret := os.Getenv("AZURE_CLIENT_SECRET")
		if secret == "" {
			return nil, errors.New("-auth secret reads the client secret from $AZURE_CLIENT_SECRET, which is empty (secrets are never taken as flags: they would land in shell history)")
		}
		return azidentity.NewClientSecretCredential(f.Tenant, f.ClientID, secret,
			&azidentity.ClientSecretCredentialOptions{ClientOptions: co})
	case AuthCert:
		if err := needClient(); err != nil {
			return nil, err
		}
		if f.CertPath == "" {
			return nil, errors.New("-auth cert needs -cert FILE (PEM or PKCS#12 with the private key)")
		}
		data, err := os.ReadFile(f.CertPath)
		if err != nil {
			return nil, fmt.Errorf("-cert: %w", err)
		}
		var pass []byte
		if p := os.Getenv("AZURE_CLIENT_CERTIFICATE_PASSWORD"); p != "" {
			pass = []byte(p)
		}
		certs, key, err := azidentity.ParseCertificates(data, pass)
		if err != nil {
			return nil, fmt.Errorf("-cert %q: %w", f.CertPath, err)
		}
		return azidentity.NewClientCertificateCredential(f.Tenant, f.ClientID, certs, key,
			&azidentity.ClientCertificateCredentialOptions{ClientOptions: co})
	case AuthDefault:
		return azidentity.NewDefaultAzureCredential(&azidentity.DefaultAzureCredentialOptions{
			TenantID: f.Tenant, ClientOptions: co,
		})
	default:
		return nil, fmt.Errorf("-auth %q: want device, browser, secret, cert or default", f.Auth)
	}
}

// OpenSignedIn returns the tenant signed in as the service account itself,
// for verify.Verifier.VerifySelf: on the seeded demo tenant (no -tenant) a
// view signed in as upn (demo.HandMadeUPN when empty); on a real tenant,
// Microsoft Graph with the delegated credential of -auth device or
// browser, where the account's owner signs in (and, at the first sign-in,
// replaces the temporary password and registers MFA).
func (f *Flags) OpenSignedIn(ctx context.Context, upn string, logger *slog.Logger, stderr io.Writer) (Tenant, error) {
	if f.Tenant == "" {
		t, err := demo.NewSeededTenant(ctx)
		if err != nil {
			return Tenant{}, err
		}
		if upn == "" {
			upn = demo.HandMadeUPN
		}
		view, err := t.SignedInAs(upn, nil)
		if err != nil {
			return Tenant{}, err
		}
		return Tenant{Directory: view, Now: t.Clock.Now}, nil
	}
	if f.Auth != AuthDevice && f.Auth != AuthBrowser {
		return Tenant{}, fmt.Errorf("-self signs in as the service account: want -auth device or browser, not %q (an application credential has no signed-in account)", f.Auth)
	}
	return f.Open(ctx, logger, stderr)
}
