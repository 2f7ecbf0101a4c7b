package io.needlestack.gateway.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.gateway.WarClasses;
import io.needlestack.gateway.internal.InternalPlaneFilter;
import io.needlestack.gateway.s3.http.S3ObjectFilter;
import io.needlestack.storage.service.StorageService;
import jakarta.servlet.annotation.WebFilter;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The gateway WAR declares in its descriptors what it also annotates, so that a node does not
 * depend on Payara's annotation scan to have its storage EJB and its servlet filters (see the
 * comments in WEB-INF/ejb-jar.xml and web.xml). The declarations must stay what the classes
 * say: an EJB or filter declared under another name would be a second one, next to the
 * annotated one.
 */
class DeploymentDescriptorsTest {

    private static final Path WEB_INF = Path.of("src/main/webapp/WEB-INF");

    /**
     * In the WAR the storage EJB jar sits in WEB-INF/lib, where its own META-INF/ejb-jar.xml does
     * not count: WEB-INF/ejb-jar.xml repeats it (storage-ejb's StorageServiceDescriptorTest
     * checks that file against the class).
     */
    @ParameterizedTest
    @ValueSource(strings = {"enterprise-beans", "assembly-descriptor"})
    void theWarDeclaresWhatTheStorageEjbJarDeclares(String element) throws Exception {
        URL jarDescriptor = StorageService.class.getResource("/META-INF/ejb-jar.xml");
        assertNotNull(jarDescriptor, "storage-ejb's META-INF/ejb-jar.xml");
        Document jar;
        try (InputStream in = jarDescriptor.openStream()) {
            jar = parse(in);
        }
        Node inJar = first(jar, element);
        Node inWar = first(parse(WEB_INF.resolve("ejb-jar.xml")), element);
        assertTrue(inJar.isEqualNode(inWar), "<" + element + "> differs between " + jarDescriptor
                + " and WEB-INF/ejb-jar.xml");
    }

    /** Every @WebFilter class is declared under its annotation's name, pattern and async support. */
    @Test
    void everyAnnotatedFilterIsDeclaredAsAnnotated() throws Exception {
        Document web = parse(WEB_INF.resolve("web.xml"));
        Set<String> annotated = new TreeSet<>();
        for (Class<?> c : WarClasses.annotatedWithAny(WebFilter.class)) {
            WebFilter a = c.getAnnotation(WebFilter.class);
            String name = a.filterName().isEmpty() ? c.getName() : a.filterName();
            annotated.add(name);
            Element filter = filterNamed(web, "filter", name);
            assertEquals(c.getName(), text(filter, "filter-class"));
            assertEquals(String.valueOf(a.asyncSupported()), text(filter, "async-supported"), name);
            List<String> patterns = new ArrayList<>(List.of(a.urlPatterns()));
            patterns.addAll(List.of(a.value()));
            assertEquals(patterns, texts(filterNamed(web, "filter-mapping", name), "url-pattern"), name);
        }
        assertEquals(Set.of(InternalPlaneFilter.class.getName(), S3ObjectFilter.class.getName()), annotated);
        Set<String> declared = new TreeSet<>(texts(web.getDocumentElement(), "filter-name"));
        assertEquals(annotated, declared, "filters declared in web.xml but not annotated, or the reverse");
        // The planes are told apart before the object data path runs.
        assertEquals(List.of(InternalPlaneFilter.class.getName(), S3ObjectFilter.class.getName()),
                mappingOrder(web));
    }

    /** The EAR's skinny WAR (web-ear.xml) has the same filters in the same order. */
    @ParameterizedTest
    @ValueSource(strings = {"filter", "filter-mapping"})
    void theEarsWebXmlDeclaresTheSameFilters(String element) throws Exception {
        NodeList war = parse(WEB_INF.resolve("web.xml")).getDocumentElement().getElementsByTagNameNS("*", element);
        NodeList ear = parse(WEB_INF.resolve("web-ear.xml")).getDocumentElement().getElementsByTagNameNS("*", element);
        assertEquals(war.getLength(), ear.getLength(), "<" + element + "> elements");
        assertTrue(war.getLength() > 0);
        for (int i = 0; i < war.getLength(); i++) {
            assertTrue(war.item(i).isEqualNode(ear.item(i)), "<" + element + "> number " + (i + 1) + " differs");
        }
    }

    /** The filters' names in the order of their mappings: the order of the chain. */
    private static List<String> mappingOrder(Document web) {
        List<String> names = new ArrayList<>();
        NodeList mappings = web.getDocumentElement().getElementsByTagNameNS("*", "filter-mapping");
        for (int i = 0; i < mappings.getLength(); i++) {
            names.add(text((Element) mappings.item(i), "filter-name"));
        }
        return names;
    }

    private static Element filterNamed(Document web, String element, String name) {
        NodeList all = web.getDocumentElement().getElementsByTagNameNS("*", element);
        Element match = null;
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (text(e, "filter-name").equals(name)) {
                assertEquals(null, match, "<" + element + "> of " + name + " twice");
                match = e;
            }
        }
        assertNotNull(match, "no <" + element + "> of " + name + " in web.xml");
        return match;
    }

    private static Node first(Document doc, String element) {
        Node n = doc.getDocumentElement().getElementsByTagNameNS("*", element).item(0);
        assertNotNull(n, "<" + element + ">");
        return n;
    }

    private static String text(Element parent, String name) {
        List<String> all = texts(parent, name);
        assertEquals(1, all.size(), "<" + name + "> in <" + parent.getLocalName() + ">");
        return all.get(0);
    }

    private static List<String> texts(Element parent, String name) {
        NodeList found = parent.getElementsByTagNameNS("*", name);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < found.getLength(); i++) {
            out.add(found.item(i).getTextContent().strip());
        }
        return out;
    }

    private static Document parse(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in);
        }
    }

    /** Without comments or the whitespace between elements, which do not change what is declared. */
    private static Document parse(InputStream in) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setIgnoringComments(true);
        Document doc = factory.newDocumentBuilder().parse(in);
        strip(doc.getDocumentElement());
        return doc;
    }

    private static void strip(Node node) {
        for (Node child = node.getFirstChild(); child != null; ) {
            Node next = child.getNextSibling();
            if (child.getNodeType() == Node.TEXT_NODE && child.getTextContent().isBlank()) {
                node.removeChild(child);
            } else {
                strip(child);
            }
            child = next;
        }
    }
}
