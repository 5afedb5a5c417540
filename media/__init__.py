"""Photo handling without Flask: decoding limits, EXIF facts, geofences, derived copies, storage."""
