// Package ini edits INI files without disturbing them, and provides the
// ini_file kind that manages keys in one.
//
// The library half is [Document]: [Parse] reads a file in any of the forms
// Windows programs write (UTF-8 with or without a byte order mark, UTF-16
// with one, CRLF or LF line endings), [Document.Bytes] writes it back byte
// for byte, and [Document.Set] and [Document.Delete] change single lines
// while keeping quotes, alignment and comments. [Load] and [File.Save] do
// the same through a [providers.FS], keeping a backup of the original file
// in name+[BackupSuffix]. Other providers that write a key into an INI
// file, such as providers/component, use these too.
//
// The provider half is [Provider], the ini_file kind:
//
//	ini_file "ies" {
//	  path = "server/isps.cfg"
//	  section "InVision Enterprise Server" {
//	    SSLPort      = 45054
//	    SSLProtocols = "TLS12"
//	  }
//	}
//
// It records each key's value from before certform first set it, so that
// deleting the resource restores the file.
package ini
