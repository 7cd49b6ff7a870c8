// Package component provides the component kind: a client program (a job
// processor, Xlink, a report server) that reaches a server endpoint, and
// whose INI file must carry the URL it uses.
//
//	component "jobprocessor" {
//	  endpoint = endpoint.ies
//	  url_in {
//	    file    = "jobprocessor/isps.cfg"
//	    section = "IES System Local"
//	    key     = "Url"
//	  }
//	}
//
// The URL is written with the INI library of providers/ini, which keeps
// every other byte of the file, and with the same backup of the original
// file. Like ini_file, the component remembers the value the key had
// before certform first set it, and delete restores it; when the URL is
// sensitive, that value is hidden and left out of the state too, and
// delete reads it from the backup (linked.go). Several resources
// may edit one file: each holds the file's FS lock for its whole
// read-modify-write cycle.
package component
