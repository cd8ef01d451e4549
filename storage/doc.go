// Package storage keeps uploaded files. A [Store] saves the bytes of a reader under a key
// it generates itself and later opens or deletes them by that key; [Disk] is the local-disk
// implementation, and other backends (object stores) implement the same three methods.
// The form package hands an upload to any value with a Save method of this shape once the
// whole form is valid, so nothing is stored for a form that is rejected.
//
// Keys are never derived from what the client sent: Disk names every file with 128 random
// bits plus an extension taken from a name hint and reduced to at most ten lowercase
// letters and digits, so an uploaded "../../etc/passwd" or "shell.php.jpg;.html" cannot
// choose where it lands or how it is served. Every file operation goes through an os.Root,
// which refuses paths that leave the directory even through symbolic links, and a save is
// atomic: the bytes go to a temporary file that is synced and renamed into place, so a
// reader never sees half a file and a failed or cancelled save leaves nothing behind.
package storage
