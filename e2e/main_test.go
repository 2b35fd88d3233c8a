package e2e

import (
	"os"
	"testing"

	"github.com/ktriage/ktriage/hack/testenv"
)

func TestMain(m *testing.M) {
	code := testenv.RunMain(m)
	removeBuiltBinaries()
	os.Exit(code)
}
