package graphdir

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
)

// Cloud names a Microsoft Graph national cloud deployment. The zero value
// is [Global].
type Cloud string

// Clouds.
const (
	// Global is the worldwide service, graph.microsoft.com.
	Global Cloud = "Global"
	// USGovL4 is Microsoft Graph for US Government L4 (GCC High),
	// graph.microsoft.us.
	USGovL4 Cloud = "USGovL4"
	// USGovL5DoD is Microsoft Graph for US Government L5 (DoD),
	// dod-graph.microsoft.us.
	USGovL5DoD Cloud = "USGovL5DoD"
	// China is Microsoft Graph operated by 21Vianet,
	// microsoftgraph.chinacloudapi.cn. Microsoft documents the v1.0
	// authentication methods API ("List methods") as available in the
	// Global and US Government clouds only: authentication methods cannot
	// be read here, so [Directory.AuthenticationMethods] fails and package
	// verify's MFA check will be unknown.
	China Cloud = "China"
)

var cloudHosts = map[Cloud]string{
	Global:     "graph.microsoft.com",
	USGovL4:    "graph.microsoft.us",
	USGovL5DoD: "dod-graph.microsoft.us",
	China:      "microsoftgraph.chinacloudapi.cn",
}

// ParseCloud returns the cloud named s: a constant's name (case-insensitive,
// for example "usgovl4") or its Graph host ("graph.microsoft.us"). The empty
// string is [Global].
func ParseCloud(s string) (Cloud, error) {
	if s == "" {
		return Global, nil
	}
	for c, host := range cloudHosts {
		if strings.EqualFold(s, string(c)) || strings.EqualFold(s, host) {
			return c, nil
		}
	}
	return "", fmt.Errorf("graphdir: unknown cloud %q (want Global, USGovL4, USGovL5DoD or China)", s)
}

func (c Cloud) normalized() Cloud {
	if c == "" {
		return Global
	}
	return c
}

// Host returns the Microsoft Graph host name of the cloud, for example
// "graph.microsoft.com", or "" for an unknown cloud.
func (c Cloud) Host() string { return cloudHosts[c.normalized()] }

// Scope returns the OAuth 2.0 scope a token for the cloud's Microsoft Graph
// must be requested with: "https://<host>/.default".
func (c Cloud) Scope() string { return "https://" + c.Host() + "/.default" }

// AzureCloud returns the azcore cloud configuration (the Microsoft Entra
// authority) to configure azidentity credentials with for this cloud, for
// example
//
//	cred, err := azidentity.NewClientSecretCredential(tenant, clientID, secret,
//		&azidentity.ClientSecretCredentialOptions{
//			ClientOptions: azcore.ClientOptions{Cloud: graphdir.USGovL4.AzureCloud()},
//		})
//
// Both US Government clouds sign in at login.microsoftonline.us.
func (c Cloud) AzureCloud() cloud.Configuration {
	switch c.normalized() {
	case USGovL4, USGovL5DoD:
		return cloud.AzureGovernment
	case China:
		return cloud.AzureChina
	default:
		return cloud.AzurePublic
	}
}

// Options configures a [Directory]. A nil *Options and zero fields mean the
// defaults.
type Options struct {
	// Cloud picks the Microsoft Graph deployment and the token scope
	// (https://<host>/.default). Default: Global.
	Cloud Cloud

	// BaseURL overrides the service root, for example a proxy or a test
	// server ("http://127.0.0.1:8080/v1.0"). It must be https, or http for a
	// loopback host (127.0.0.0/8, ::1, localhost). Tokens are still
	// requested for Cloud's scope, and sent only to BaseURL's scheme, host
	// and port. Graph writes its own service root into @odata.nextLink
	// ("https://graph.microsoft.com/v1.0/domains?$skiptoken=..."): a link
	// at Cloud's service root is followed at BaseURL instead, the rest of
	// the link as written; a link anywhere else is not followed (no token
	// goes there) and the list fails with directory.ErrInvalid.
	// Default: https://<Cloud host>/v1.0.
	BaseURL string

	// HTTPClient supplies the transport (its Transport) and the timeout of
	// each attempt (its Timeout; default 100 s). Its CheckRedirect is not
	// used: redirects are followed by the Graph SDK's redirect handler.
	// Default: http.DefaultTransport, so that Directories share
	// connections.
	HTTPClient *http.Client

	// Logger receives debug records: one per HTTP attempt (method, path,
	// status, duration, request-id, client-request-id), one per retry wait,
	// one per $batch (each item's status). It never receives request
	// bodies or headers. Default: no logging.
	Logger *slog.Logger

	// MaxRetries bounds the retries of one request (or of one $batch item)
	// answered 429, 503 or 504, of a $batch answered 424 as a whole, and
	// of a GET or DELETE (or a $batch of GETs) whose connection failed.
	// Default 6; -1 disables retries.
	MaxRetries int

	// MaxRetryWait caps one wait between retries. A Retry-After longer than
	// this is not waited out: the request fails with ErrThrottled and
	// [Error.RetryAfter] says how long the service asked for. Default 60 s.
	MaxRetryWait time.Duration

	// MaxResponseBytes bounds the size of one response body; a larger one
	// fails the request with ErrUnavailable instead of exhausting memory.
	// Default 16 MiB.
	MaxResponseBytes int64

	// CheckRetry decides whether a request (or a $batch item) is sent
	// again after an attempt; see [CheckRetry]. Default:
	// [DefaultCheckRetry] (429, 503, 504 and lost connections).
	CheckRetry CheckRetry

	// Backoff paces the retries; see [Backoff]. Default: [DefaultBackoff]
	// (the Retry-After asked for, or exponential backoff with jitter).
	Backoff Backoff

	// Sleep waits for d or until ctx is done, returning ctx.Err() in that
	// case. Every wait of the package goes through it, so that tests can
	// substitute a fake clock. Default: a timer.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Defaults of [Options].
const (
	DefaultMaxRetries       = 6
	DefaultMaxRetryWait     = 60 * time.Second
	DefaultMaxResponseBytes = 16 << 20
)

const (
	// apiVersion is the version segment of the service root.
	apiVersion = "/v1.0"
	// defaultAttemptTimeout bounds one attempt, as the SDK's default
	// client does.
	defaultAttemptTimeout = 100 * time.Second
	// maxPages bounds @odata.nextLink paging of one list.
	maxPages = 1000
	// maxBatchSize is JSON batching's limit on requests per $batch.
	maxBatchSize = 20
	// upnCacheSize bounds the UPN → object ID cache.
	upnCacheSize = 4096
)

// config is Options validated and with defaults applied.
type config struct {
	cloud          Cloud
	baseURL        *url.URL
	base           string // baseURL without a trailing slash
	cloudRoot      string // the cloud's own service root, https://<host>/v1.0
	transport      http.RoundTripper
	attemptTimeout time.Duration
	log            *slog.Logger
	maxRetries     int
	maxRetryWait   time.Duration
	maxBody        int64
	sleep          func(context.Context, time.Duration) error
	checkRetry     CheckRetry
	backoff        Backoff
}

func (o *Options) config() (*config, error) {
	if o == nil {
		o = &Options{}
	}
	c := &config{
		cloud:          o.Cloud.normalized(),
		transport:      http.DefaultTransport,
		attemptTimeout: defaultAttemptTimeout,
		log:            o.Logger,
		maxRetries:     o.MaxRetries,
		maxRetryWait:   o.MaxRetryWait,
		maxBody:        o.MaxResponseBytes,
		sleep:          o.Sleep,
		checkRetry:     o.CheckRetry,
		backoff:        o.Backoff,
	}
	if c.cloud.Host() == "" {
		return nil, fmt.Errorf("graphdir: Options.Cloud %q: unknown cloud (want Global, USGovL4, USGovL5DoD or China)", string(o.Cloud))
	}
	c.cloudRoot = "https://" + c.cloud.Host() + apiVersion
	base := o.BaseURL
	if base == "" {
		base = c.cloudRoot
	}
	u, err := parseBaseURL(base)
	if err != nil {
		return nil, fmt.Errorf("graphdir: Options.BaseURL %q: %v", o.BaseURL, err)
	}
	c.baseURL = u
	c.base = strings.TrimSuffix(u.String(), "/")
	if hc := o.HTTPClient; hc != nil {
		if hc.Transport != nil {
			c.transport = hc.Transport
		}
		if hc.Timeout < 0 {
			return nil, fmt.Errorf("graphdir: Options.HTTPClient.Timeout %v: must not be negative", hc.Timeout)
		}
		if hc.Timeout > 0 {
			c.attemptTimeout = hc.Timeout
		}
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	switch {
	case c.maxRetries < -1:
		return nil, fmt.Errorf("graphdir: Options.MaxRetries %d: must be -1 (no retries), 0 (default) or positive", o.MaxRetries)
	case c.maxRetries == -1:
		c.maxRetries = 0
	case c.maxRetries == 0:
		c.maxRetries = DefaultMaxRetries
	}
	switch {
	case c.maxRetryWait < 0:
		return nil, fmt.Errorf("graphdir: Options.MaxRetryWait %v: must not be negative", o.MaxRetryWait)
	case c.maxRetryWait == 0:
		c.maxRetryWait = DefaultMaxRetryWait
	}
	switch {
	case c.maxBody < 0:
		return nil, fmt.Errorf("graphdir: Options.MaxResponseBytes %d: must not be negative", o.MaxResponseBytes)
	case c.maxBody == 0:
		c.maxBody = DefaultMaxResponseBytes
	}
	if c.sleep == nil {
		c.sleep = sleepTimer
	}
	if c.checkRetry == nil {
		c.checkRetry = DefaultCheckRetry
	}
	if c.backoff == nil {
		c.backoff = DefaultBackoff
	}
	return c, nil
}

func parseBaseURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, err
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("no host")
	}
	if u.User != nil {
		return nil, fmt.Errorf("must not contain user information")
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return nil, fmt.Errorf("must not have a query or fragment")
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("plain http is allowed only for a loopback host (127.0.0.0/8, ::1, localhost); use https")
		}
	default:
		return nil, fmt.Errorf("scheme must be https (or http for a loopback host)")
	}
	u.Scheme = strings.ToLower(u.Scheme)
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// sleepTimer is the default Options.Sleep.
func sleepTimer(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
