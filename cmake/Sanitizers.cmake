# Build types AddressSanitizer (ASan + UBSan together, as CI runs them) and
# UndefinedSanitizer (UBSan alone).  Both set C, C++ and linker flags.
set(_f8k_asan "-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined")
set(_f8k_ubsan "-O1 -g -fsanitize=undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined")
foreach(lang C CXX)
  set(CMAKE_${lang}_FLAGS_ADDRESSSANITIZER "${_f8k_asan}" CACHE STRING "" FORCE)
  set(CMAKE_${lang}_FLAGS_UNDEFINEDSANITIZER "${_f8k_ubsan}" CACHE STRING "" FORCE)
endforeach()
foreach(kind EXE SHARED MODULE)
  set(CMAKE_${kind}_LINKER_FLAGS_ADDRESSSANITIZER "-fsanitize=address,undefined" CACHE STRING "" FORCE)
  set(CMAKE_${kind}_LINKER_FLAGS_UNDEFINEDSANITIZER "-fsanitize=undefined" CACHE STRING "" FORCE)
endforeach()
mark_as_advanced(CMAKE_C_FLAGS_ADDRESSSANITIZER CMAKE_CXX_FLAGS_ADDRESSSANITIZER
                 CMAKE_C_FLAGS_UNDEFINEDSANITIZER CMAKE_CXX_FLAGS_UNDEFINEDSANITIZER)
