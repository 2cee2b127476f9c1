package consent_test

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir"
	"github.com/cloudhub/consent/directory/graphdir/graphtest"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/serviceaccount"
	"github.com/cloudhub/consent/verify"
)

// graphBackends benchmarks graphdir over the Graph test server with zero
// added latency: what is measured is the library's CPU per operation plus
// loopback HTTP.
func graphBackends() []backend {
	return []backend{{
		name: "graph",
		new: func(b testing.TB) (directory.Directory, *directorytest.Fake) {
			env := newGraphEnv(b, nil, nil)
			return env.dir, env.fake
		},
	}}
}

// BenchmarkFleetVerify verifies 1,000 accounts in 1,000 simulated tenants
// (one Graph test server each) with 50 ms of latency per request at
// concurrency 64, and reports wall time per fleet and peak heap.
func BenchmarkFleetVerify(b *testing.B) {
	const tenants, concurrency, latency = 1000, 64, 50 * time.Millisecond
	ctx := context.Background()
	targets := make([]verify.Target, tenants)
	transport := &http.Transport{MaxIdleConnsPerHost: 2, IdleConnTimeout: time.Minute}
	b.Cleanup(transport.CloseIdleConnections)
	for i := range targets {
		srv := graphtest.NewServer(nil)
		b.Cleanup(srv.Close)
		dir, err := graphdir.New(fakeCredential{}, &graphdir.Options{BaseURL: srv.URL, HTTPClient: &http.Client{Transport: transport}})
		if err != nil {
			b.Fatal(err)
		}
		res, err := serviceaccount.New(dir, nil).Provision(ctx, chaosSpec(i))
		if err != nil {
			b.Fatal(err)
		}
		targets[i] = verify.Target{Name: fmt.Sprintf("tenant-%04d", i), Directory: dir, Account: res.Account}
		// Latency from now on: provisioning was setup.
		srv.SetLatency(latency)
	}
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	b.ResetTimer()
	for b.Loop() {
		n := 0
		for r := range verify.VerifyFleet(ctx, targets, &verify.FleetOptions{Concurrency: concurrency}) {
			if r.Err != nil {
				b.Fatalf("%s: %v", r.Name, r.Err)
			}
			n++
		}
		if n != tenants {
			b.Fatalf("%d results", n)
		}
	}
	b.StopTimer()
	close(stop)
	wg.Wait()
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(tenants), "tenants")
}
