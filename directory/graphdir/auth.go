package graphdir

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// tokenProvider gets access tokens from an azcore.TokenCredential for
// every request.
//
// It replaces kiota-authentication-azure-go's provider, which sends no
// token at all (silently) to a host outside its allowed list and refuses
// plain http to loopback addresses other than 127.0.0.1, localhost and ::1.
// This one sends a token to exactly one place, the scheme, host and port of
// the base URL, and fails loudly for any other URL (an @odata.nextLink pointing
// elsewhere, a redirect), so that a token never leaks and a misconfigured
// base URL never turns into unauthenticated requests.
type tokenProvider struct {
	cred   azcore.TokenCredential
	scopes []string
	scheme string
	host   string // lower-case host name of the base URL, without port
	port   string // port of the base URL, explicit or the scheme's
}

func newTokenProvider(cred azcore.TokenCredential, scope string, base *url.URL) (*tokenProvider, error) {
	host := strings.ToLower(base.Hostname())
	return &tokenProvider{cred: cred, scopes: []string{scope}, scheme: strings.ToLower(base.Scheme), host: host, port: portOf(base)}, nil
}

// sameOrigin reports whether u has the scheme, host and port given (host
// and scheme compared without case, the port explicit or the scheme's).
func sameOrigin(u *url.URL, scheme, host, port string) bool {
	return u != nil && strings.EqualFold(u.Scheme, scheme) && strings.EqualFold(u.Hostname(), host) && portOf(u) == port
}

func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "http") {
		return "80"
	}
	return "443"
}

// foreignHostError reports a request for another origin than the service
// root's, which gets no token.
type foreignHostError struct{ origin, root string }

func (e *foreignHostError) Error() string {
	return fmt.Sprintf("refusing to send a token to %s: only %s gets one", e.origin, e.root)
}

// tokenError is a failure to get a token from the credential.
type tokenError struct{ err error }

func (e *tokenError) Error() string { return "get access token: " + e.err.Error() }
func (e *tokenError) Unwrap() error { return e.err }

// token returns a token for a request to u. claims, when not empty, are
// the base64 claims of a continuous access evaluation challenge, which
// [Directory.exchange] answers by asking again.
func (p *tokenProvider) token(ctx context.Context, u *url.URL, claims string) (string, error) {
	if !sameOrigin(u, p.scheme, p.host, p.port) {
		origin := "<nil>"
		if u != nil {
			origin = u.Scheme + "://" + u.Host
		}
		return "", &foreignHostError{origin: origin, root: p.scheme + "://" + p.host + ":" + p.port}
	}
	opts := policy.TokenRequestOptions{Scopes: p.scopes, EnableCAE: true}
	if claims != "" {
		raw, err := base64.StdEncoding.DecodeString(claims)
		if err != nil {
			return "", &tokenError{err: fmt.Errorf("decode claims challenge: %w", err)}
		}
		opts.Claims = string(raw)
	}
	tok, err := p.cred.GetToken(ctx, opts)
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", &tokenError{err: err}
	}
	return tok.Token, nil
}
