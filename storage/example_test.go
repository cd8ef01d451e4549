package storage_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/sinewdev/sinew/storage"
)

func ExampleDisk() {
	dir, _ := os.MkdirTemp("", "uploads")
	defer os.RemoveAll(dir)

	store, err := storage.NewDisk(dir, storage.DiskConfig{})
	if err != nil {
		panic(err)
	}
	defer store.Close()

	ctx := context.Background()
	// The client's file name only contributes its extension.
	key, err := store.Save(ctx, "../../Report.TXT", strings.NewReader("quarterly numbers"))
	if err != nil {
		panic(err)
	}
	fmt.Println(storage.ValidKey(key), strings.HasSuffix(key, ".txt"))

	rc, _ := store.Open(ctx, key)
	b, _ := io.ReadAll(rc)
	rc.Close()
	fmt.Println(string(b))

	_, err = store.Open(ctx, "../app.db")
	fmt.Println(err)
	// Output:
	// true true
	// quarterly numbers
	// storage: invalid key: "../app.db"
}
