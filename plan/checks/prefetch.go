package checks

import (
	"runtime"
	"sync"
)

// prefetch works out, on every CPU, the facts of every certificate and the
// sections of every INI file, before the checks look them up one at a
// time: reading them (parsing certificates, evaluating the keys of every
// section) is most of the work of checking a large plan, and the checks
// themselves run in order. Only readCert and readSections run at once:
// each changes nothing shared but the reference cache of its own block.
func (m *model) prefetch() {
	certs, inis := m.kind("certificate"), m.kind("ini_file")
	infos := make([]*certInfo, len(certs))
	secs := make([][]iniSection, len(inis))
	parallel(len(certs)+len(inis), func(i int) {
		if i < len(certs) {
			infos[i] = m.readCert(certs[i])
		} else {
			secs[i-len(certs)] = m.readSections(inis[i-len(certs)])
		}
	})
	for i, r := range certs {
		m.certs[r] = infos[i]
	}
	for i, r := range inis {
		m.secs[r] = secs[i]
	}
}

// parallel calls f(0) ... f(n-1) on one goroutine per CPU.
func parallel(n int, f func(i int)) {
	var next sync.Mutex
	i := 0
	var wg sync.WaitGroup
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				next.Lock()
				j := i
				i++
				next.Unlock()
				if j >= n {
					return
				}
				f(j)
			}
		}()
	}
	wg.Wait()
}
